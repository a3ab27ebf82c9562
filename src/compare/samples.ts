/** The metrics `redline compare` checks, and how to read them per run and per interval. */
import type { RunResultFile, TimelinePoint } from '../results/run-result.js';
import { type RunStats, readRunStats } from '../results/run-stats.js';

/** One compared metric: its whole-run value and its per-interval value. */
export interface CompareMetric {
  key: string;
  label: string;
  unit: 'ms' | 'ratio' | 'req/s';
  lowerIsBetter: boolean;
  /** Whole-run value. */
  run: (stats: RunStats) => number;
  /** Value of one interval; undefined when the interval has no data for it. */
  interval: (p: TimelinePoint) => number | undefined;
}

/** The compared metrics: latency percentiles, error ratio and throughput. */
export const COMPARE_METRICS: readonly CompareMetric[] = [
  {
    key: 'p50',
    label: 'p50 latency',
    unit: 'ms',
    lowerIsBetter: true,
    run: (s) => s.p50,
    interval: (p) => (p.requests > 0 ? p.p50 : undefined),
  },
  {
    key: 'p90',
    label: 'p90 latency',
    unit: 'ms',
    lowerIsBetter: true,
    run: (s) => s.p90,
    interval: (p) => (p.requests > 0 ? p.p90 : undefined),
  },
  {
    key: 'p95',
    label: 'p95 latency',
    unit: 'ms',
    lowerIsBetter: true,
    run: (s) => s.p95,
    interval: (p) => (p.requests > 0 ? p.p95 : undefined),
  },
  {
    key: 'p99',
    label: 'p99 latency',
    unit: 'ms',
    lowerIsBetter: true,
    run: (s) => s.p99,
    interval: (p) => (p.requests > 0 ? p.p99 : undefined),
  },
  {
    key: 'errorRate',
    label: 'error rate',
    unit: 'ratio',
    lowerIsBetter: true,
    run: (s) => s.errorRate,
    interval: (p) => (p.requests > 0 ? p.failed / p.requests : undefined),
  },
  {
    key: 'rps',
    label: 'throughput',
    unit: 'req/s',
    lowerIsBetter: false,
    run: (s) => s.rps,
    interval: (p) => p.rps,
  },
];

/**
 * Steady-state intervals of a run: the first and last interval (partial, ramping) and intervals
 * without any completed request are left out. Ramps inside a run (ramping executors) are not
 * detected: compare runs of the same plan.
 */
export function steadyIntervals(run: RunResultFile): TimelinePoint[] {
  const inner = run.timeline.length > 2 ? run.timeline.slice(1, -1) : [];
  return inner.filter((p) => p.requests > 0);
}

/** Per-interval samples of `metric` over all `runs` (pooled). */
export function intervalSamples(runs: readonly RunResultFile[], metric: CompareMetric): number[] {
  const out: number[] = [];
  for (const run of runs) {
    for (const p of steadyIntervals(run)) {
      const v = metric.interval(p);
      if (v !== undefined && Number.isFinite(v)) out.push(v);
    }
  }
  return out;
}

/** Per-run summary values of `metric` (one sample per run). */
export function runSamples(runs: readonly RunResultFile[], metric: CompareMetric): number[] {
  return runs.map((r) => metric.run(readRunStats(r))).filter((v) => Number.isFinite(v));
}

/** Median of a non-empty list (mean of the middle two for even lengths). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
