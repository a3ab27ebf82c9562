/**
 * What a run tells its outputs: the run's description at the start, each merged interval, and
 * why and how it ended. Shared by the engine that produces them, the outputs that consume them
 * and the saved result (`run-result.ts`).
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
