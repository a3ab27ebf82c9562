/**
 * `redline compare`: per metric, is B significantly different from A? A change counts only when
 * it is beyond a minimum effect (relative, or absolute for the error ratio) AND, when samples
 * allow, the two-sided Mann-Whitney U test gives p < alpha (see docs/report.md). The metrics are
 * those of the runs' own measure (HTTP requests, echo round trips, gRPC calls, …); both sides must
 * measure the same thing.
 */
import { ExitCode } from '../errors/exit-codes.js';
import { RedlineError } from '../errors/redline-error.js';
import type { RunResultFile } from '../results/run-result.js';
import { readRunStats } from '../results/run-stats.js';
import { TIMELINE_MEASURES, type TimelineMeasure } from '../results/timeline-measure.js';
import { mannWhitneyU } from './mann-whitney.js';
import {
  type CompareMetric,
  compareMetrics,
  intervalSamples,
  median,
  runMeasure,
  runSamples,
} from './samples.js';

/** Options of {@link compareRuns}. */
export interface CompareOptions {
  /** Minimum relative change that can count (0.05 = 5%). */
  threshold?: number;
  /** Significance level of the test. */
  alpha?: number;
  /** Minimum absolute change of the error ratio (0.001 = 0.1 percentage point). */
  minErrorRateChange?: number;
  /** Fewest samples per side for a test (intervals mode). */
  minIntervals?: number;
  /** Names of the runs of each side (file names), for the error when measures differ. */
  names?: { a?: readonly string[]; b?: readonly string[] };
}

/** How the samples were formed. */
export type CompareMode = 'runs' | 'intervals' | 'summary';

/** Verdict for one metric. */
export type CompareVerdict = 'regression' | 'improvement' | 'no-change' | 'not-significant';

/** One metric's comparison. */
export interface CompareRow {
  key: string;
  /** `p95 latency` (HTTP), `p95 ws_echo_round_trip`, `error rate`, `throughput`, … */
  label: string;
  /** `ms`, `ratio`, or the measure's rate: `req/s` (HTTP), `round trips/s`, `calls/s`, … */
  unit: string;
  lowerIsBetter: boolean;
  a: number;
  b: number;
  /** (b − a) / a; Infinity when a = 0 < b. */
  relativeChange: number;
  absoluteChange: number;
  /** Whether the change passed the minimum-effect floor. */
  beyondFloor: boolean;
  pValue?: number;
  test?: string;
  samplesA: number;
  samplesB: number;
  verdict: CompareVerdict;
}

/** The whole comparison. */
export interface CompareResult {
  /**
   * What both sides measured (HTTP requests, WebSocket echo round trips, gRPC calls, WebSocket
   * messages or iterations); HTTP for old results of runs without HTTP (with a warning).
   */
  measure: TimelineMeasure;
  mode: CompareMode;
  threshold: number;
  alpha: number;
  runsA: number;
  runsB: number;
  rows: CompareRow[];
  regression: boolean;
  warnings: string[];
}

function describeMeasure(m: TimelineMeasure | undefined): string {
  if (!m) return 'nothing per second (saved before per-protocol measures, no HTTP request)';
  return m.latencyMetric ? `${m.name} (${m.latencyMetric})` : m.name;
}

/**
 * The measure both sides share. Runs that measure different things (an HTTP run and a gRPC run)
 * are a usage error; when a run is an old result of a run without HTTP (no per-protocol blocks),
 * all are read as HTTP, as before, and get the "no HTTP request" warning.
 */
export function commonMeasure(
  a: readonly RunResultFile[],
  b: readonly RunResultFile[],
  names: CompareOptions['names'] = {},
): TimelineMeasure {
  const all = [
    ...a.map((run, i) => ({ run, name: names.a?.[i] ?? `A run ${i + 1}`, side: 'A' })),
    ...b.map((run, i) => ({ run, name: names.b?.[i] ?? `B run ${i + 1}`, side: 'B' })),
  ].map((x) => ({ ...x, measure: runMeasure(x.run) }));
  const known = all.filter((x) => x.measure !== undefined);
  type Known = (typeof known)[number];
  const clash = (list: Known[]): [Known, Known] | undefined => {
    const other = list.find((x) => x.measure!.kind !== list[0]!.measure!.kind);
    return other ? [list[0]!, other] : undefined;
  };
  // A side's own runs first (the clearer message), then A against B.
  const [first, other] = clash(known.filter((x) => x.side === 'A')) ??
    clash(known.filter((x) => x.side === 'B')) ??
    clash(known) ?? [known[0], undefined];
  if (first && other) {
    const who = first.side === other.side ? `the runs of ${first.side}` : 'A and B';
    throw new RedlineError(
      'E_COMPARE_MEASURES',
      `${who} measure different things: ${first.name} measured ${describeMeasure(first.measure)}, ${other.name} measured ${describeMeasure(other.measure)}; compare reads each run's own measure and will not compare one with the other`,
      {
        exitCode: ExitCode.Usage,
        hint: 'compare runs of the same kind: an HTTP run with an HTTP run, a WebSocket echo run (redline run ws://… --message) with another, a gRPC script run with another; re-run the baseline with the same script or URL',
      },
    );
  }
  // An old run without HTTP has no measure to read: everything is read as HTTP, as before.
  if (known.length < all.length) return TIMELINE_MEASURES.http;
  return first?.measure ?? TIMELINE_MEASURES.http;
}

/** True when `a` and `b` can be compared: {@link commonMeasure} finds one measure for both. */
export function sameMeasure(a: readonly RunResultFile[], b: readonly RunResultFile[]): boolean {
  const kinds = new Set(
    [...a, ...b].map((r) => runMeasure(r)?.kind).filter((k) => k !== undefined),
  );
  return kinds.size <= 1;
}

function chooseMode(
  a: readonly RunResultFile[],
  b: readonly RunResultFile[],
  measure: TimelineMeasure,
  probe: CompareMetric,
  minIntervals: number,
): CompareMode {
  if (a.length >= 2 && b.length >= 2) return 'runs';
  if (
    intervalSamples(a, measure, probe).length >= minIntervals &&
    intervalSamples(b, measure, probe).length >= minIntervals
  )
    return 'intervals';
  return 'summary';
}

function centre(runs: readonly RunResultFile[], metric: CompareMetric, mode: CompareMode): number {
  const values = runSamples(runs, metric);
  return mode === 'runs'
    ? median(values)
    : values.reduce((s, v) => s + v, 0) / Math.max(1, values.length);
}

function compareMetric(
  metric: CompareMetric,
  measure: TimelineMeasure,
  a: readonly RunResultFile[],
  b: readonly RunResultFile[],
  mode: CompareMode,
  o: Required<CompareOptions>,
): CompareRow {
  const va = centre(a, metric, mode);
  const vb = centre(b, metric, mode);
  const absoluteChange = vb - va;
  const relativeChange =
    va === 0 ? (vb === 0 ? 0 : Number.POSITIVE_INFINITY) : absoluteChange / Math.abs(va);
  const beyondFloor =
    metric.unit === 'ratio'
      ? Math.abs(absoluteChange) >= o.minErrorRateChange
      : Math.abs(relativeChange) >= o.threshold;
  const row: CompareRow = {
    key: metric.key,
    label: metric.label,
    unit: metric.unit,
    lowerIsBetter: metric.lowerIsBetter,
    a: va,
    b: vb,
    relativeChange,
    absoluteChange,
    beyondFloor,
    samplesA: a.length,
    samplesB: b.length,
    verdict: 'no-change',
  };
  let significant = true;
  if (mode !== 'summary') {
    const sa = mode === 'runs' ? runSamples(a, metric) : intervalSamples(a, measure, metric);
    const sb = mode === 'runs' ? runSamples(b, metric) : intervalSamples(b, measure, metric);
    row.samplesA = sa.length;
    row.samplesB = sb.length;
    if (sa.length > 0 && sb.length > 0) {
      const test = mannWhitneyU(sa, sb);
      row.pValue = test.pValue;
      row.test = `Mann-Whitney U (${test.method}) on per-${mode === 'runs' ? 'run' : 'interval'} values`;
      significant = test.pValue < o.alpha;
    }
  }
  if (!beyondFloor) row.verdict = 'no-change';
  else if (!significant) row.verdict = 'not-significant';
  else row.verdict = absoluteChange > 0 === metric.lowerIsBetter ? 'regression' : 'improvement';
  return row;
}

/** True when every run of the side recorded `metric` (a finite whole-run value). */
function recorded(runs: readonly RunResultFile[], metric: CompareMetric): boolean {
  return runSamples(runs, metric).length === runs.length;
}

function warningsFor(
  measure: TimelineMeasure,
  mode: CompareMode,
  rows: CompareRow[],
  a: readonly RunResultFile[],
  b: readonly RunResultFile[],
  o: Required<CompareOptions>,
): string[] {
  const w: string[] = [];
  // Read as HTTP: an old result of a run without HTTP requests (no per-protocol blocks) has none.
  const noHttp = (runs: readonly RunResultFile[]) =>
    runs.filter((r) => readRunStats(r).requests === 0).length;
  const [emptyA, emptyB] = measure.kind === 'http' ? [noHttp(a), noHttp(b)] : [0, 0];
  if (emptyA + emptyB > 0)
    w.push(
      `no HTTP request in ${emptyA} of ${a.length} run(s) of A and ${emptyB} of ${b.length} of B: compare reads HTTP requests only, and their 0 ms and 0 req/s were not measured (compare the protocol's own metrics, e.g. grpc_req_duration or ws_echo_round_trip, in the result files)`,
    );
  if (mode === 'runs') {
    const n = Math.min(a.length, b.length);
    const p = mannWhitneyU(
      Array.from({ length: a.length }, (_, i) => i),
      Array.from({ length: b.length }, (_, i) => i + a.length),
    ).minPossibleP;
    if (p >= o.alpha)
      w.push(
        `with ${a.length} and ${b.length} runs the smallest possible p is ${p.toFixed(3)} ≥ alpha ${o.alpha}: no change can be significant; give at least 4 runs per side`,
      );
    else if (n < 9)
      w.push(
        `only ${n} runs on the smaller side: the test has little power (9 or more per side recommended)`,
      );
  }
  if (mode === 'intervals' && rows.length > 0) {
    const tested = rows.filter((r) => r.pValue !== undefined);
    const n = Math.min(...tested.map((r) => Math.min(r.samplesA, r.samplesB)));
    const untested = rows.filter((r) => r.pValue === undefined).map((r) => r.label);
    if (untested.length > 0)
      w.push(
        `no per-interval values of ${untested.join(', ')}: whole-run values only (the floor alone decides)`,
      );
    if (n < 30)
      w.push(`only ${n} steady-state intervals on the smaller side (30 or more recommended)`);
    w.push(
      'per-interval values are autocorrelated, so p-values are optimistic; the minimum-change floor guards against that',
    );
  }
  if (mode === 'summary')
    w.push('too little data for a statistical test: the minimum-change floor alone decides');
  const seconds = (runs: readonly RunResultFile[]) => runs.map((r) => readRunStats(r).durationMs);
  if (Math.max(...seconds(a), ...seconds(b)) > 2 * Math.min(...seconds(a), ...seconds(b))) {
    w.push('the runs differ in duration by more than 2×: make sure they ran the same plan');
  }
  return w;
}

/** Compares side A (baseline) with side B (candidate), one or more runs per side. */
export function compareRuns(
  a: readonly RunResultFile[],
  b: readonly RunResultFile[],
  options: CompareOptions = {},
): CompareResult {
  if (a.length === 0 || b.length === 0)
    throw new RangeError('compareRuns needs at least one run per side');
  const o: Required<CompareOptions> = {
    threshold: 0.05,
    alpha: 0.05,
    minErrorRateChange: 0.001,
    minIntervals: 5,
    names: {},
    ...options,
  };
  const measure = commonMeasure(a, b, options.names);
  const metrics = compareMetrics(measure);
  // Throughput has a value in every steady interval (latency only where something of the
  // measure ended with a latency: k6/ws sessions end with the run), so it decides the mode.
  const throughput = metrics.find((m) => m.key === 'rps')!;
  const mode = chooseMode(a, b, measure, throughput, o.minIntervals);
  // A row a side did not record (no echo arrived: no ws_echo_round_trip) is left out, not zero.
  const missing = metrics.filter((m) => !recorded(a, m) || !recorded(b, m));
  const rows = metrics
    .filter((m) => !missing.includes(m))
    .map((m) => compareMetric(m, measure, a, b, mode, o));
  const warnings = warningsFor(measure, mode, rows, a, b, o);
  if (missing.length > 0)
    warnings.unshift(
      `not compared, not recorded in every run: ${missing.map((m) => m.label).join(', ')}`,
    );
  return {
    measure,
    mode,
    threshold: o.threshold,
    alpha: o.alpha,
    runsA: a.length,
    runsB: b.length,
    rows,
    regression: rows.some((r) => r.verdict === 'regression'),
    warnings,
  };
}
