/** A fixed-capacity ring buffer keeping the newest entries: the bounded store of the memory-leak fix. */

/**
 * Keeps at most `capacity` entries; pushing beyond overwrites the oldest. O(1) push, O(n) read
 * of the newest n.
 *
 * ```
 *   slots: [ e4 | e5 | e2 | e3 ]   capacity 4, next write at index 2
 *                    ^ oldest
 * ```
 */
export class RingBuffer<T> {
  readonly capacity: number;
  #slots: (T | undefined)[];
  #next = 0;
  #size = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be >= 1');
    this.capacity = capacity;
    this.#slots = new Array<T | undefined>(capacity);
  }

  /** Number of entries held (never above `capacity`). */
  get size(): number {
    return this.#size;
  }

  /** Appends an entry, overwriting the oldest when full. */
  push(entry: T): void {
    this.#slots[this.#next] = entry;
    this.#next = (this.#next + 1) % this.capacity;
    if (this.#size < this.capacity) this.#size += 1;
  }

  /** The newest `count` entries, newest first. */
  newest(count: number): T[] {
    const result: T[] = [];
    const n = Math.min(count, this.#size);
    for (let i = 1; i <= n; i++) {
      const entry = this.#slots[(this.#next - i + this.capacity) % this.capacity];
      if (entry !== undefined) result.push(entry);
    }
    return result;
  }
}
