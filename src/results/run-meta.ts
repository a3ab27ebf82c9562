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
  /**
   * The test data the iterations used, one sentence for reports: {@link URL_ONLY_TEST_DATA} in
   * quick mode, a plan's data files and how rows were drawn, or "not stated" for a script (absent
   * from runs saved before it was recorded; {@link runTestData} reads it).
   */
  testData?: string;
}

/** The test data of a quick-mode run: one URL, the same request every time. */
export const URL_ONLY_TEST_DATA = 'none: a single URL without data';

/**
 * The test data line of a run's report: what the run recorded, else (older run files) "none" for a
 * quick-mode run against a URL and "not recorded" for a script.
 */
export function runTestData(meta: Pick<RunMeta, 'target' | 'testData'>): string {
  if (meta.testData !== undefined) return meta.testData;
  return /^https?:\/\//i.test(meta.target)
    ? URL_ONLY_TEST_DATA
    : 'not recorded (the run was saved before Redline recorded its test data)';
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
