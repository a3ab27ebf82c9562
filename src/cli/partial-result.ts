/**
 * PartialResult: an output that keeps what a run has measured so far, so a forced exit (a second
 * Ctrl-C) can still write the result file and print the summary of what exists.
 */
import { buildRunResult } from '../engine/index.js';
import type { Aggregate } from '../metrics/aggregate.js';
import type { Output } from '../outputs/output.js';
import type { IntervalUpdate, RunMeta } from '../results/run-meta.js';
import type { RunResultFile, TimelinePoint } from '../results/run-result.js';
import { timelinePoint } from '../results/timeline.js';

/** Keeps the latest totals and the timeline of a run; builds a result from them on demand. */
export class PartialResult implements Output {
  readonly description = 'partial result (kept for a forced exit)';
  #meta: RunMeta | undefined;
  #totals: Aggregate | undefined;
  #durationMs = 0;
  readonly #timeline: TimelinePoint[] = [];

  start(meta: RunMeta): void {
    this.#meta = meta;
  }

  onInterval(update: IntervalUpdate): void {
    this.#totals = update.totals;
    this.#durationMs = update.endMs;
    this.#timeline.push(timelinePoint(update.delta, update.totals, update.startMs, update.endMs));
  }

  /** The result of what was measured so far (undefined before the first interval). */
  build(detail: string): RunResultFile | undefined {
    if (!this.#meta || !this.#totals) return undefined;
    return buildRunResult({
      meta: this.#meta,
      totals: this.#totals,
      timeline: [...this.#timeline],
      durationMs: this.#durationMs,
      reason: 'interrupted',
      detail,
      generator: { cpuPercent: 0, eventLoopLagP99Ms: 0, saturated: false, warnings: [] },
    });
  }
}
