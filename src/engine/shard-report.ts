/** What a shard sends to the controller once per interval (and once more when it finishes). */
import type { Snapshot } from '../metrics/snapshot.js';

/** The generator's own health during one interval, measured inside the shard's thread. */
export interface ShardHealth {
  /** Event-loop delay of the shard's thread, p99 and max, ms. */
  lagP99Ms: number;
  lagMaxMs: number;
}

/** One interval of one shard. `final` marks its last report (it has stopped). */
export interface ShardReport {
  snapshot: Snapshot;
  health: ShardHealth;
  final: boolean;
  /** Problems the shard wants the user to see once (e.g. "too many open files"). */
  warnings: string[];
  /** Requests from the script: abort the test (exec.test.abort) or mark it failed (exec.test.fail). */
  events?: Array<{ type: 'abort' | 'fail'; message: string }>;
  /** Script errors thrown in iterations (first occurrences, raw stacks of the bundle). */
  scriptErrors?: Array<{ message: string; stack: string }>;
}

/**
 * A report without measurements (interval -1): the final word of a shard that crashed or was
 * lost, or script events sent between intervals.
 */
export function emptyShardReport(
  shard: number,
  report: Pick<ShardReport, 'final' | 'warnings' | 'events'>,
): ShardReport {
  return {
    snapshot: { shard, interval: -1, startMs: 0, endMs: 0, metrics: [], series: [] },
    health: { lagP99Ms: 0, lagMaxMs: 0 },
    ...report,
  };
}

/**
 * A prepared shard, in this thread or a worker: everything slow (worker boot, script import, VU
 * set-up) is done before `start`, so all shards begin on the same tick.
 */
export interface ShardHandle {
  /** Starts the load at `loadStartEpochMs` (wall clock; warm-up, if any, runs first). */
  start(loadStartEpochMs: number): void;
  /** Resolves after the final report was delivered. */
  readonly done: Promise<void>;
  /** Stops at once (Ctrl-C): no new requests, in-flight ones are abandoned, a final report follows. */
  stop(): void;
  /** Ends a shard that never started (another shard failed to start); worker shards only. */
  terminate?(): void;
}
