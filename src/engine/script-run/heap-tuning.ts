/**
 * Memory for many VUs: V8 grows the old generation to several times the live set before a full
 * GC, which is the right trade for throughput but not for 10,000 sleeping VUs. Measured here
 * (10,000 VUs, login -> GET -> GET with 1-2 s sleeps, bench/vus-10k.mjs): live heap ~110 MB,
 * peak RSS of the whole CLI 490-550 MB with V8's default growing factor, 310-316 MB with
 * `--heap-growing-percent=15`, 293-294 MB with 10; a 50-VU tight loop lost ~10% throughput
 * with 10, so the tighter factor applies only to plans with many VUs. Re-measured later the same
 * day on a faster machine state: 306-310 MB, and 276-283 MB once sleep() stopped adding an abort
 * listener per call (see bench/RESULTS.md, "10,000 VUs"). V8 reads the flag at every
 * full GC, and flags are process-wide, so worker threads follow.
 */
import { setFlagsFromString } from 'node:v8';

/** VU count from which the heap is kept tight. */
export const MANY_VUS = 1000;
/** Heap growing percent used for plans with at least {@link MANY_VUS} VUs. */
export const MANY_VUS_HEAP_GROWING_PERCENT = 10;

/** Keeps the heap close to its live size when a plan runs many VUs; no-op otherwise. */
export function tuneHeapForVus(maxVUs: number): void {
  if (maxVUs >= MANY_VUS)
    setFlagsFromString(`--heap-growing-percent=${MANY_VUS_HEAP_GROWING_PERCENT}`);
}
