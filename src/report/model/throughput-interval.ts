/** Throughput of a run with its uncertainty: mean of its whole seconds and a 95 % interval. */
import type { RunResultFile } from '../../results/run-result.js';

/** Two-sided 95 % Student-t quantiles by degrees of freedom 1..30 (beyond: the normal's 1.96). */
const T95 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145,
  2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048,
  2.045, 2.042,
];
const t95 = (df: number): number => T95[df - 1] ?? 1.96;

/** A run's per-second throughput summarised. */
export interface ThroughputInterval {
  mean: number;
  low: number;
  high: number;
  /** Whole seconds summarised. */
  seconds: number;
  best: number;
}

/**
 * Mean req/s over the run's whole seconds (the last, partial one would read low) with a 95 %
 * Student-t interval; undefined with fewer than 2 seconds. Successive seconds are correlated, so
 * the interval is a lower bound of the uncertainty, stated as such where it is shown. `rates`:
 * the per-second values to summarise instead of the HTTP req/s (one per timeline point, e.g.
 * gRPC calls/s of a run without HTTP).
 */
export function throughputInterval(
  run: RunResultFile,
  rates: readonly number[] = run.timeline.map((p) => p.rps),
): ThroughputInterval | undefined {
  const values = rates.slice(0, Math.floor(run.durationMs / 1000));
  const n = values.length;
  if (n < 2) return undefined;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  const half = t95(n - 1) * (sd / Math.sqrt(n));
  return {
    mean,
    low: Math.max(0, mean - half),
    high: mean + half,
    seconds: n,
    best: Math.max(...values),
  };
}

/** "812 req/s (95% CI 790–834 over 20 s, best second 870)" (`unit`: another rate's, e.g. calls/s). */
export function formatThroughputInterval(i: ThroughputInterval, unit = 'req/s'): string {
  const f = (v: number) => v.toFixed(v >= 100 ? 0 : 1);
  return `${f(i.mean)} ${unit} (95% CI ${f(i.low)}–${f(i.high)} over ${i.seconds} s, best second ${f(i.best)})`;
}
