/**
 * The probe's own retained memory: every long-lived structure of the probe (caches, per-route and
 * per-statement maps, samples) registers here, and {@link probeFootprintBytes} walks them and sums
 * an estimate of their V8 heap size. The audit's and the profiler's leak rules subtract it from the
 * retained heap: these structures grow until their caps while a service warms up, and counted as
 * the service's heap they made a real Koa service "leak" 600–1,300 bytes per request
 * (docs/realapps.md). The per-object sizes below are V8's layout on 64-bit Node (8-byte fields);
 * footprint.test.ts measures the estimate against the heap growth of real filled structures.
 */
import { PROBE_FOOTPRINT_KEY } from '../util/probe-footprint-key.js';

/** Returns the containers to count (Maps, Sets, arrays, plain objects, strings). */
export type FootprintRoot = () => unknown;

const roots: FootprintRoot[] = [];
/** Sizes the walk cannot see (captured stacks are V8-internal arrays): functions returning bytes. */
const counted: Array<() => number> = [];

/**
 * Objects visited at most per walk: bounds the walk's cost (a few ms) whatever is registered;
 * the probe's caps keep it far below this (5,000 cache pairs, 5,000 shapes, 20,000 frames).
 */
const MAX_NODES = 400_000;

/** Header of any heap object with properties (map, properties, elements pointers). */
const OBJECT_HEADER = 24;
const FIELD = 8;
/** The JSMap/JSSet object itself. */
const COLLECTION_OBJECT = 32;

/**
 * V8's ordered hash table behind a Map (`fields` 2) or a Set (1): capacity is a power of two from
 * 4 that doubles when full; a header of 3 fields, one bucket per 2 slots, and per slot its fields
 * plus a chain link, in a fixed array (16-byte header).
 */
function tableBytes(size: number, fields: number): number {
  let capacity = 4;
  while (capacity < size) capacity *= 2;
  return COLLECTION_OBJECT + 16 + FIELD * (3 + capacity / 2 + capacity * (fields + 1));
}
const STRING_HEADER = 16;
const HEAP_NUMBER = 16;

/** Registers a root of the probe's own memory (module-level caches register once at load). */
export function registerFootprint(root: FootprintRoot): void {
  roots.push(root);
}

function stringBytes(s: string): number {
  // Two bytes per character once one needs it (V8's two-byte strings).
  const width = /[^\u0000-\u00ff]/.test(s) ? 2 : 1;
  return STRING_HEADER + Math.ceil((s.length * width) / FIELD) * FIELD;
}

/** Estimated heap bytes of everything reachable from `value` through plain data, counted once. */
function walk(value: unknown, seen: Set<unknown>, budget: { nodes: number }): number {
  if (typeof value === 'string') {
    if (seen.has(value)) return 0;
    seen.add(value);
    return stringBytes(value);
  }
  if (typeof value === 'number')
    return Number.isInteger(value) && Math.abs(value) < 2 ** 30 ? 0 : HEAP_NUMBER;
  if (typeof value !== 'object' || value === null) return 0;
  if (seen.has(value) || budget.nodes <= 0) return 0;
  seen.add(value);
  budget.nodes--;
  let bytes = 0;
  if (value instanceof Map) {
    bytes = tableBytes(value.size, 2);
    for (const [k, v] of value) bytes += walk(k, seen, budget) + walk(v, seen, budget);
    return bytes;
  }
  if (value instanceof Set) {
    bytes = tableBytes(value.size, 1);
    for (const k of value) bytes += walk(k, seen, budget);
    return bytes;
  }
  if (Array.isArray(value)) {
    bytes = OBJECT_HEADER + 16 + value.length * FIELD;
    for (const item of value) bytes += walk(item, seen, budget);
    return bytes;
  }
  if (ArrayBuffer.isView(value)) return OBJECT_HEADER + value.byteLength;
  const keys = Object.keys(value);
  bytes = OBJECT_HEADER + keys.length * FIELD;
  for (const key of keys) bytes += walk((value as Record<string, unknown>)[key], seen, budget);
  return bytes;
}

/**
 * A walk of the probe's structures at their caps takes milliseconds (measured 20–30 ms of CPU
 * with 5,000 cached call sites, bench/probe-footprint-walk.mjs): a reading that may be recent
 * rather than fresh reuses the last walk for 100 times that walk's duration (at least 1 s), so
 * such readings cost at most 1 % of the thread whatever the rate at which they are asked for.
 */
const RECENT_WALK_FACTOR = 100;
const RECENT_WALK_MIN_MS = 1000;
let lastWalk: { at: number; ms: number; bytes: number } | undefined;

/** How long a walk that took `walkMs` serves readings that may be recent (see {@link probeFootprintBytes}). */
export function recentWalkAgeMs(walkMs: number): number {
  return Math.max(RECENT_WALK_MIN_MS, RECENT_WALK_FACTOR * walkMs);
}

/**
 * The probe's retained bytes (an estimate from its registered structures; see the file comment):
 * a fresh walk, or with `recent` the last walk's when it is younger than
 * {@link recentWalkAgeMs} of its duration (the profiler's reading after every natural full GC;
 * the leak checkpoints after forced GCs always walk).
 */
export function probeFootprintBytes(recent = false): number {
  const t0 = performance.now();
  if (recent && lastWalk && t0 - lastWalk.at < recentWalkAgeMs(lastWalk.ms)) return lastWalk.bytes;
  const seen = new Set<unknown>();
  const budget = { nodes: MAX_NODES };
  let bytes = 0;
  for (const root of roots) bytes += walk(root(), seen, budget);
  for (const count of counted) bytes += count();
  const t1 = performance.now();
  lastWalk = { at: t1, ms: t1 - t0, bytes };
  return bytes;
}

/** Registers a size the walk cannot reach (V8-internal data such as captured stack traces). */
export function registerFootprintBytes(bytes: () => number): void {
  counted.push(bytes);
}

/**
 * Registers the structures of an instance (class fields are private, so the instance says which
 * ones); held weakly, so short-lived instances (tests, a restarted runtime) are not kept alive.
 */
export function registerFootprintOf<T extends object>(
  owner: T,
  rootsOf: (owner: T) => unknown,
): void {
  const ref = new WeakRef(owner);
  roots.push(() => {
    const live = ref.deref();
    return live === undefined ? undefined : rootsOf(live);
  });
}

/**
 * Publishes {@link probeFootprintBytes} where the profiler's inspector session reads it (called
 * with `true` by readers content with a recent walk: util/probe-footprint-key.ts).
 */
export function publishFootprint(): void {
  (globalThis as Record<symbol, unknown>)[Symbol.for(PROBE_FOOTPRINT_KEY)] = (recent?: unknown) =>
    probeFootprintBytes(recent === true);
}
