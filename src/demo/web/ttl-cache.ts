/**
 * A small in-process read-through cache for the fixed demo's hot reads: an entry lives `ttlMs`
 * from the moment its load started (so what a request gets is never older than the TTL), at most
 * `maxEntries` are held (the oldest dropped first: memory stays bounded whatever keys clients
 * send), concurrent misses of one key share one load (no stampede of identical queries when an
 * entry expires under load), and a failed load is not kept (the next request tries again).
 */

/** Options of {@link TtlCache}. */
export interface TtlCacheOptions {
  /** How long a loaded value is served, ms (counted from the start of its load). */
  ttlMs: number;
  /** Entries held at most; the oldest is dropped first. */
  maxEntries: number;
  /** Clock in ms (default `performance.now`); tests pass their own. */
  now?: () => number;
}

interface Entry<V> {
  value: Promise<V>;
  expiresAt: number;
}

/** A bounded TTL cache of promises keyed by a string (see the file comment). */
export class TtlCache<V> {
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  /** Insertion order is age order: a reload deletes and re-inserts its key. */
  readonly #entries = new Map<string, Entry<V>>();

  constructor(options: TtlCacheOptions) {
    if (!(options.ttlMs > 0) || !(options.maxEntries >= 1)) {
      throw new RangeError('TtlCache needs ttlMs > 0 and maxEntries >= 1');
    }
    this.#ttlMs = options.ttlMs;
    this.#maxEntries = Math.floor(options.maxEntries);
    this.#now = options.now ?? (() => performance.now());
  }

  /** Entries held now (fresh, expired-but-not-yet-replaced, or still loading). */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * The value of `key`: the cached one while fresh (also while its load is still running), else
   * the result of `load()`, which is cached for the TTL once started.
   */
  get(key: string, load: () => Promise<V>): Promise<V> {
    const now = this.#now();
    const hit = this.#entries.get(key);
    if (hit && now < hit.expiresAt) return hit.value;
    if (hit) this.#entries.delete(key);
    while (this.#entries.size >= this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
    const entry: Entry<V> = { value: load(), expiresAt: now + this.#ttlMs };
    this.#entries.set(key, entry);
    entry.value.catch(() => {
      // Only this load's entry: a newer one (after invalidation) stays.
      if (this.#entries.get(key) === entry) this.#entries.delete(key);
    });
    return entry.value;
  }

  /** Drops `key` (a write changed its rows); the next `get` loads it again. */
  invalidate(key: string): void {
    this.#entries.delete(key);
  }

  /** Drops every entry. */
  clear(): void {
    this.#entries.clear();
  }
}
