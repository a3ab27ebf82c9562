/**
 * The streams in flight on one HTTP/2 connection of the lean client (h2-fast-connection.ts), by
 * stream id: what a `Map<number, T>` does, without hashing on the per-response path.
 *
 * A client opens odd stream ids in increasing order (1, 3, 5, …), so `id >>> 1` counts the
 * streams opened; at most `--streams` are in flight at once. Each stream goes to slot
 * `(id >>> 1) & mask` of an array several times larger than that, which is free unless a stream
 * stays in flight while that many newer ones are opened (a slow response among fast ones): such a
 * stream goes to an overflow Map instead, so nothing is ever lost or displaced. Measured against
 * the Map it replaces (node:http2 target, -c 10 × 10 streams, `--cpu-prof`): the Map's set, two
 * gets and delete per response were ~9 % of the generator's busy samples.
 *
 * Iteration (`values`) is in stream-id order, i.e. the order the streams were opened (as a Map's
 * insertion order was).
 */

/** The largest slot array of a table (see the constructor). */
const MAX_SLOTS = 4096;

/** What a table entry must carry: its stream id (read to tell slot sharers apart). */
export interface StreamEntry {
  readonly id: number;
}

/** Streams in flight, by id; see the file comment. */
export class StreamTable<T extends StreamEntry> {
  readonly #slots: Array<T | undefined>;
  readonly #mask: number;
  readonly #overflow = new Map<number, T>();
  #size = 0;

  /**
   * `concurrency`: streams expected in flight at once. The slots are 4× that, a power of two,
   * 16 to 4096 (32 KB per connection at most; beyond 1024 streams more of them overflow).
   */
  constructor(concurrency: number) {
    let capacity = 16;
    while (capacity < concurrency * 4 && capacity < MAX_SLOTS) capacity *= 2;
    this.#slots = new Array<T | undefined>(capacity).fill(undefined);
    this.#mask = capacity - 1;
  }

  /** Number of streams in the table. */
  get size(): number {
    return this.#size;
  }

  /** Adds the stream `entry.id` (which must not be in the table). */
  add(entry: T): void {
    const i = (entry.id >>> 1) & this.#mask;
    if (this.#slots[i] === undefined) this.#slots[i] = entry;
    else this.#overflow.set(entry.id, entry);
    this.#size++;
  }

  /** The stream with `id`, or undefined. */
  get(id: number): T | undefined {
    const entry = this.#slots[(id >>> 1) & this.#mask];
    if (entry !== undefined && entry.id === id) return entry;
    return this.#overflow.size > 0 ? this.#overflow.get(id) : undefined;
  }

  /** Removes the stream with `id`; false when it was not in the table. */
  delete(id: number): boolean {
    const i = (id >>> 1) & this.#mask;
    const entry = this.#slots[i];
    if (entry !== undefined && entry.id === id) this.#slots[i] = undefined;
    else if (!this.#overflow.delete(id)) return false;
    this.#size--;
    return true;
  }

  /** Empties the table. */
  clear(): void {
    this.#slots.fill(undefined);
    this.#overflow.clear();
    this.#size = 0;
  }

  /** The streams, in id order (a copy: the caller may add and delete while walking it). */
  values(): T[] {
    const out: T[] = [];
    for (const entry of this.#slots) if (entry !== undefined) out.push(entry);
    for (const entry of this.#overflow.values()) out.push(entry);
    return out.sort((a, b) => a.id - b.id);
  }
}
