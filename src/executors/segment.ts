/**
 * Execution segments inside one process: how a scenario's VUs, iterations and arrival slots are
 * split between W shards so that, added up, every count is exact at every moment (striping, as
 * k6's execution segment sequences do): unit u of this process belongs to shard u mod W. On top,
 * the process itself may run only a k6 execution segment of the whole test (
 * execution-segment.ts): a {@link ShardPart} composes both, so the shards of all processes of a
 * sequence together own every global unit exactly once.
 */
import { type ExecutionTuple, WHOLE_TEST } from './execution-segment.js';

/** How many of the first `total` units (0..total-1) belong to shard `k` of `w`. */
export function stripe(total: number, k: number, w: number): number {
  if (total <= k) return 0;
  return Math.floor((total - 1 - k) / w) + 1;
}

/** The global index of this shard's `local`-th unit. */
export function globalIndex(local: number, k: number, w: number): number {
  return local * w + k;
}

/** One shard's share of the whole test: its process's execution segment, then its stripe. */
export class ShardPart {
  constructor(
    readonly shard: number,
    readonly shards: number,
    readonly tuple: ExecutionTuple = WHOLE_TEST,
  ) {}

  /** This shard's count of a test-wide integer `total` (VUs, iterations, a VU target). */
  count(total: number): number {
    // A shard past the stripe width (sharedBy narrowed it) owns nothing.
    if (this.shard >= this.shards) return 0;
    return stripe(this.tuple.scale(Math.floor(total)), this.shard, this.shards);
  }

  /**
   * The same share with the process's units striped over only as many shards as get one of the
   * process's `vus` (at least 1): shared-iterations gives iterations only to shards with a VU.
   */
  sharedBy(vus: number): ShardPart {
    const shards = Math.max(1, Math.min(this.shards, this.tuple.scale(Math.floor(vus))));
    return shards === this.shards ? this : new ShardPart(this.shard, shards, this.tuple);
  }

  /** The test-wide index of this shard's `local`-th unit (an arrival-rate iteration slot). */
  index(local: number): number {
    return this.tuple.globalIndex(globalIndex(local, this.shard, this.shards));
  }
}
