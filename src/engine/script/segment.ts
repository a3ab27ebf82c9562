/**
 * Execution segments: how a scenario's VUs, iterations and arrival slots are split between W
 * shards so that, added up, every count is exact at every moment (striping, as k6's execution
 * segment sequences do): global unit g belongs to shard g mod W.
 */

/** How many of the first `total` units (0..total-1) belong to shard `k` of `w`. */
export function stripe(total: number, k: number, w: number): number {
  if (total <= k) return 0;
  return Math.floor((total - 1 - k) / w) + 1;
}

/** The global index of this shard's `local`-th unit. */
export function globalIndex(local: number, k: number, w: number): number {
  return local * w + k;
}
