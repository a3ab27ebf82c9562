/**
 * The metrics `redline compare` checks, and how to read them per run and per interval, in the
 * run's own measure ({@link timelineMeasure}: HTTP requests, WebSocket echo round trips, gRPC
 * calls, WebSocket messages or iterations), the one the HTML report and the dashboard plot.
 */
import type { RunResultFile, TimelinePoint } from '../results/run-result.js';
import { readRunStats } from '../results/run-stats.js';
import {
  type MeasuredPoint,
  measuredPoint,
  type TimelineMeasure,
  timelineMeasure,
} from '../results/timeline-measure.js';

/** One compared metric: its whole-run value and its per-interval value. */
export interface CompareMetric {
  key: string;
  label: string;
  /** `ms`, `ratio`, or the measure's rate (`req/s` for HTTP, `round trips/s`, `calls/s`, …). */
  unit: string;
  lowerIsBetter: boolean;
  /** Whole-run value; undefined when the run did not record it. */
  run: (run: RunResultFile) => number | undefined;
  /** Value of one interval; undefined when the interval has no data for it. */
  interval: (p: MeasuredPoint) => number | undefined;
}

/**
 * What a run measured, as the report decides it: HTTP requests when it sent any, else the
 * protocol block its timeline carries; undefined for a run without HTTP saved before those
 * blocks existed.
 */
export function runMeasure(run: RunResultFile): TimelineMeasure | undefined {
  return timelineMeasure(run.timeline, readRunStats(run).requests);
}

function finite(v: number | undefined): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function summaryValue(run: RunResultFile, metric: string, key: string): number | undefined {
  return finite(run.metrics[metric]?.values[key]);
}

function seconds(run: RunResultFile): number {
  return run.durationMs > 0 ? run.durationMs / 1000 : Math.max(1, run.timeline.length);
}

/** The measure's count over the whole run (summary first, else the timeline's sum). */
function measureCount(run: RunResultFile, m: TimelineMeasure): number {
  const counter: Record<TimelineMeasure['kind'], [string, string]> = {
    http: ['http_reqs', 'count'],
    'ws-echo': ['ws_echo_round_trip', 'count'],
    grpc: ['grpc_req_duration', 'count'],
    ws: ['ws_msgs_received', 'count'],
    iterations: ['iterations', 'count'],
  };
  const [metric, key] = counter[m.kind];
  return (
    summaryValue(run, metric, key) ??
    run.timeline.reduce((sum, p) => sum + measuredPoint(p, m.kind, 1).count, 0)
  );
}

/** Unanswered echoes that count as failures: all but `interrupted` (in flight at the end). */
function echoFailures(unanswered: Record<string, number>): number {
  return Object.entries(unanswered)
    .filter(([cls]) => cls !== 'interrupted')
    .reduce((sum, [, n]) => sum + n, 0);
}

/** Whole-run echo error ratio: unanswered (not interrupted) / (answered + those). */
function echoErrorRate(run: RunResultFile): number | undefined {
  let answered: number;
  let failed: number;
  if (run.echo) {
    answered = run.echo.answered;
    failed = echoFailures(run.echo.unanswered);
  } else {
    answered = run.timeline.reduce((s, p) => s + (p.wsEcho?.roundTrips ?? 0), 0);
    failed = run.timeline.reduce((s, p) => s + echoFailures(p.wsEcho?.unanswered ?? {}), 0);
  }
  return answered + failed > 0 ? failed / (answered + failed) : undefined;
}

const PERCENTILES = [
  ['p50', 'med'],
  ['p90', 'p(90)'],
  ['p95', 'p(95)'],
  ['p99', 'p(99)'],
] as const;

/** HTTP: the metrics and labels compare always had (audits and CI read them by label). */
const HTTP_METRICS: readonly CompareMetric[] = [
  ...PERCENTILES.map(
    ([key]): CompareMetric => ({
      key,
      label: `${key} latency`,
      unit: 'ms',
      lowerIsBetter: true,
      run: (r) => readRunStats(r)[key],
      interval: (p) => p.latency?.[key],
    }),
  ),
  {
    key: 'errorRate',
    label: 'error rate',
    unit: 'ratio',
    lowerIsBetter: true,
    run: (r) => readRunStats(r).errorRate,
    interval: (p) => (p.count > 0 ? p.failed / p.count : undefined),
  },
  {
    key: 'rps',
    label: 'throughput',
    unit: 'req/s',
    lowerIsBetter: false,
    run: (r) => readRunStats(r).rps,
    interval: (p) => p.rps,
  },
];

/**
 * The compared metrics of a measure: the latency trend's p50/p90/p95/p99 (when the measure has
 * one), the error ratio (when the measure counts failures: HTTP requests, echo messages) and the
 * throughput. Rows a measure lacks are absent, never zero.
 */
export function compareMetrics(measure: TimelineMeasure): readonly CompareMetric[] {
  if (measure.kind === 'http') return HTTP_METRICS;
  const out: CompareMetric[] = [];
  const trend = measure.latencyMetric;
  if (trend)
    for (const [key, stat] of PERCENTILES)
      out.push({
        key,
        label: `${key} ${trend}`,
        unit: 'ms',
        lowerIsBetter: true,
        run: (r) => summaryValue(r, trend, stat),
        interval: (p) => p.latency?.[key],
      });
  if (measure.kind === 'ws-echo')
    out.push({
      key: 'errorRate',
      label: 'error rate (unanswered echoes)',
      unit: 'ratio',
      lowerIsBetter: true,
      run: echoErrorRate,
      interval: (p) => {
        const failed = echoFailures(p.errors);
        return p.count + failed > 0 ? failed / (p.count + failed) : undefined;
      },
    });
  out.push({
    key: 'rps',
    label: 'throughput',
    unit: measure.rateUnit,
    lowerIsBetter: false,
    run: (r) => measureCount(r, measure) / seconds(r),
    interval: (p) => p.rps,
  });
  return out;
}

/**
 * Steady-state intervals of a run in the terms of `measure`: the first and last interval
 * (partial, ramping) and intervals in which nothing of the measure completed are left out. Ramps
 * inside a run (ramping executors) are not detected: compare runs of the same plan.
 */
export function steadyIntervals(run: RunResultFile, measure: TimelineMeasure): MeasuredPoint[] {
  const out: MeasuredPoint[] = [];
  run.timeline.forEach((p: TimelinePoint, i) => {
    if (i === 0 || i === run.timeline.length - 1) return;
    const previous = run.timeline[i - 1]!.t;
    const m = measuredPoint(p, measure.kind, Math.max(0.001, p.t - previous));
    if (m.count > 0) out.push(m);
  });
  return out;
}

/** Per-interval samples of `metric` over all `runs` (pooled). */
export function intervalSamples(
  runs: readonly RunResultFile[],
  measure: TimelineMeasure,
  metric: CompareMetric,
): number[] {
  const out: number[] = [];
  for (const run of runs) {
    for (const p of steadyIntervals(run, measure)) {
      const v = finite(metric.interval(p));
      if (v !== undefined) out.push(v);
    }
  }
  return out;
}

/** Per-run summary values of `metric` (one sample per run that recorded it). */
export function runSamples(runs: readonly RunResultFile[], metric: CompareMetric): number[] {
  return runs.map((r) => finite(metric.run(r))).filter((v) => v !== undefined);
}

/** Median of a non-empty list (mean of the middle two for even lengths). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
