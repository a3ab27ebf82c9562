// Confidence interval of a ratio measured in paired rounds (A/B alternating): the geometric mean
// of the per-round ratios with a 95 % Student-t interval on their logarithms (ratios multiply,
// so their logs are what averages). Used by bench/profiler-overhead.js and bench/probe-overhead.js.
import { loadavg } from 'node:os';

/** Two-sided 95 % Student-t quantiles by degrees of freedom (1..30; beyond: 1.96). */
const T95 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145,
  2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048,
  2.045, 2.042,
];

/** Geometric mean of `ratios` and its 95 % interval ({ mean, low, high, n }). */
export function ratioInterval(ratios) {
  const logs = ratios.filter((r) => r > 0 && Number.isFinite(r)).map(Math.log);
  const n = logs.length;
  if (n === 0) return { mean: Number.NaN, low: Number.NaN, high: Number.NaN, n };
  const mean = logs.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { mean: Math.exp(mean), low: Number.NaN, high: Number.NaN, n };
  const sd = Math.sqrt(logs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  const half = (T95[n - 2] ?? 1.96) * (sd / Math.sqrt(n));
  return { mean: Math.exp(mean), low: Math.exp(mean - half), high: Math.exp(mean + half), n };
}

/** "×1.031 (95 % CI ×0.990–×1.074, n 8)". */
export function formatInterval({ mean, low, high, n }) {
  return `×${mean.toFixed(3)} (95 % CI ×${low.toFixed(3)}–×${high.toFixed(3)}, n ${n})`;
}

/** The machine's load averages, "1/5/15 min: a b c". */
export function loadText() {
  return `load average 1/5/15 min: ${loadavg()
    .map((v) => v.toFixed(2))
    .join(' ')}`;
}
