/** Matches a pool-level query to the client-level call the pool makes for it later. */
import type { QueryRecord } from '../state.js';

interface Pending {
  text: unknown;
  values: unknown;
  record: QueryRecord;
}

/**
 * Pools (pg-pool, mysql2) pass the caller's text and values objects through to the client once a
 * connection is free, possibly in another async context. The pool wrapper records the query (in
 * the right request) and parks it here; the client wrapper claims it by identity, marks the
 * execution start (the end of the pool wait) and skips recording it twice.
 */
export class PendingQueries {
  #items: Pending[] = [];

  /** Parks a pool query. */
  add(text: unknown, values: unknown, record: QueryRecord): void {
    this.#items.push({ text, values, record });
    if (this.#items.length > 10_000) this.#items.shift();
  }

  /** Claims the parked query with the same text and values (identity), if any. */
  claim(text: unknown, values: unknown): QueryRecord | undefined {
    if (this.#items.length === 0) return undefined;
    for (let i = 0; i < this.#items.length; i++) {
      const item = this.#items[i] as Pending;
      const sameValues =
        item.values === values ||
        (item.values === undefined && Array.isArray(values) && values.length === 0);
      if (item.text === text && sameValues) {
        this.#items.splice(i, 1);
        return item.record;
      }
    }
    return undefined;
  }

  /** Drops a parked query that never reached a client (pool error). */
  drop(record: QueryRecord): void {
    const i = this.#items.findIndex((item) => item.record === record);
    if (i >= 0) this.#items.splice(i, 1);
  }
}

/** Finds the prototype in `proto`'s chain that owns `name` (where a method must be patched). */
export function ownerOf(proto: object | null, name: string): Record<string, unknown> | undefined {
  let current = proto;
  while (current) {
    if (Object.hasOwn(current, name)) return current as Record<string, unknown>;
    current = Object.getPrototypeOf(current);
  }
  return undefined;
}

/** Marks an object as patched; returns false when it already was. */
export function markPatched(target: object, tag: string): boolean {
  const symbol = Symbol.for(`redline.probe.${tag}`);
  if ((target as Record<symbol, unknown>)[symbol]) return false;
  Object.defineProperty(target, symbol, { value: true, enumerable: false });
  return true;
}
