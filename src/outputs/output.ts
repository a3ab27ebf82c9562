/**
 * Output: where a run's numbers go (terminal progress, summary, thresholds, files, exporters).
 * The controller calls every output with the merged interval once per second, and once at the end.
 *
 * Concurrency contract: methods are never called concurrently for one output, and `onInterval`
 * must not block (no synchronous I/O of size; buffer and flush asynchronously instead).
 */
import type { IntervalUpdate, RunEnd, RunMeta } from '../results/run-meta.js';

/** A destination for a run's metrics. */
export interface Output {
  /** Short name shown in the header (`ndjson (results.ndjson)`). */
  readonly description: string;
  /** Called once before the first interval. */
  start?(meta: RunMeta): void | Promise<void>;
  /** Called once per merged interval, in order. */
  onInterval?(update: IntervalUpdate): void;
  /** Called once at the end, also after Ctrl-C: write everything captured. */
  stop?(end: RunEnd): void | Promise<void>;
}
