/**
 * Output: where a run's numbers go (terminal progress, summary, thresholds, files, exporters).
 * The controller calls every output with the merged interval once per second, and once at the end.
 *
 * Concurrency contract: methods are never called concurrently for one output, and `onInterval`
 * must not block (no synchronous I/O of size; buffer and flush asynchronously instead).
 */
import type { Aggregate } from '../metrics/aggregate.js';

/** What is known about a run when it starts. */
export interface RunMeta {
  /** Random id of this run (also in file names and exported labels). */
  runId: string;
  /** Wall-clock start, epoch milliseconds. */
  startedAtMs: number;
  /** Interval length in milliseconds (1000 by default). */
  intervalMs: number;
  /** Human description of what runs: a URL in quick mode, a script path otherwise. */
  target: string;
  /** Test-wide tags (`options.tags`), added to exported series. */
  tags: Readonly<Record<string, string>>;
  /** Scenario names and their executors, for headers. */
  scenarios: ReadonlyArray<{ name: string; executor: string; description: string }>;
  /** Longest possible duration (incl. graceful stop), ms; undefined when count-bounded only. */
  maxDurationMs?: number;
}

/** One merged interval of every shard. */
export interface IntervalUpdate {
  /** 0-based interval number. */
  interval: number;
  /** Interval bounds in ms since the run started. */
  startMs: number;
  endMs: number;
  /** What happened during this interval only. */
  delta: Aggregate;
  /** Everything since the start, this interval included. */
  totals: Aggregate;
}

/** Why a run ended. */
export type EndReason =
  | 'completed'
  | 'interrupted'
  | 'aborted-by-threshold'
  | 'aborted-by-script'
  | 'target-unreachable'
  | 'error';

/** The final state handed to outputs when the run ends. */
export interface RunEnd {
  totals: Aggregate;
  /** Measured run duration in ms (warm-up excluded). */
  durationMs: number;
  reason: EndReason;
  /** Human detail for the reason (e.g. which threshold aborted). */
  detail?: string;
}

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
