/**
 * The structured view of a saved run that tools and resources return: every figure copied from
 * the result file the CLI wrote (`redline run --json`), never recomputed, plus a one-paragraph
 * text for people. Also the thresholds an MCP call adds to a run, judged on those same figures.
 */
import type { ResultMetric, RunResultFile } from '../results/run-result.js';
import { compare, formatAggregation, parseThresholdExpression } from '../thresholds/index.js';
import { formatInputPath } from '../util/input-reader.js';

/** A threshold given with the tool call, and its verdict on the run's final values. */
export interface CallThreshold {
  metric: string;
  expression: string;
  ok: boolean;
  observed: number | null;
  /** Why there is no verdict value (no such metric, no samples). */
  note?: string;
}

/** The structured summary of a run. */
export interface RunSummary {
  target: string;
  reason: RunResultFile['reason'];
  detail?: string;
  durationMs: number;
  requests: { count: number; rate: number };
  /** `http_req_duration` values (ms): avg, min, med, max, p(90), p(95), p(99), p(99.9), count. */
  latencyMs: Record<string, number>;
  /** `http_req_failed` rate (0..1) and counts. */
  failed: { rate: number; count: number };
  iterations?: { count: number; rate: number };
  statusCodes: Record<string, number>;
  errors: Record<string, number>;
  checks: RunResultFile['checks'];
  thresholds: RunResultFile['thresholds'];
  generator: RunResultFile['generator'];
  /** Every metric and sub-metric, k6-style, as in the result file. */
  metrics: Record<string, ResultMetric>;
}

/** Picks the summary figures of a run result (values as saved). */
export function summarizeRun(result: RunResultFile): RunSummary {
  const m = result.metrics;
  const reqs = m['http_reqs']?.values ?? {};
  const failed = m['http_req_failed']?.values ?? {};
  const iterations = m['iterations']?.values;
  return {
    target: result.meta.target,
    reason: result.reason,
    ...(result.detail ? { detail: result.detail } : {}),
    durationMs: result.durationMs,
    requests: { count: reqs['count'] ?? 0, rate: reqs['rate'] ?? 0 },
    latencyMs: m['http_req_duration']?.values ?? {},
    failed: { rate: failed['rate'] ?? 0, count: failed['passes'] ?? 0 },
    ...(iterations
      ? { iterations: { count: iterations['count'] ?? 0, rate: iterations['rate'] ?? 0 } }
      : {}),
    statusCodes: result.statusCodes,
    errors: result.errors,
    checks: result.checks,
    thresholds: result.thresholds,
    generator: result.generator,
    metrics: result.metrics,
  };
}

function num(value: number | undefined, digits = 1): string {
  if (value === undefined || !Number.isFinite(value)) return '-';
  return value.toLocaleString('en-US', { maximumFractionDigits: digits });
}

/** One paragraph about a run: volume, rate, latency percentiles, failures, thresholds, checks. */
export function describeRun(summary: RunSummary, calls: readonly CallThreshold[] = []): string {
  const l = summary.latencyMs;
  const parts = [
    `${summary.target}: ${summary.reason} after ${num(summary.durationMs / 1000)} s`,
    `${num(summary.requests.count, 0)} requests (${num(summary.requests.rate)} req/s)`,
    `latency p50 ${num(l['med'], 2)} ms, p95 ${num(l['p(95)'], 2)} ms, p99 ${num(l['p(99)'], 2)} ms, max ${num(l['max'], 2)} ms`,
    `failed ${num(summary.failed.count, 0)} (${num(summary.failed.rate * 100, 2)}%)`,
  ];
  const errors = Object.entries(summary.errors);
  if (errors.length > 0) parts.push(`errors: ${errors.map(([k, v]) => `${k} ${v}`).join(', ')}`);
  const codes = Object.entries(summary.statusCodes);
  if (codes.length > 0) parts.push(`status ${codes.map(([k, v]) => `${k}: ${v}`).join(', ')}`);
  const all = [
    ...summary.thresholds.map((t) => ({ ok: t.ok, text: `${t.metric} ${t.expression}` })),
    ...calls.map((t) => ({ ok: t.ok, text: `${t.metric} ${t.expression}` })),
  ];
  if (all.length > 0) {
    const failedOnes = all.filter((t) => !t.ok);
    parts.push(
      failedOnes.length === 0
        ? `thresholds: all ${all.length} passed`
        : `thresholds FAILED: ${failedOnes.map((t) => t.text).join('; ')}`,
    );
  }
  const checkFails = summary.checks.reduce((n, c) => n + c.fails, 0);
  const checkTotal = summary.checks.reduce((n, c) => n + c.fails + c.passes, 0);
  if (checkTotal > 0) parts.push(`checks ${checkTotal - checkFails}/${checkTotal} passed`);
  if (summary.generator.saturated)
    parts.push('WARNING: the load generator saturated, latencies include its own delay');
  return `${parts.join('; ')}.`;
}

/**
 * Problems with thresholds given to a tool, before the run (bad grammar, or a percentile the
 * result will not hold: `available` lists the trend statistics it will have).
 */
export function checkCallThresholds(
  thresholds: Readonly<Record<string, readonly string[]>>,
  available: readonly string[],
): string[] {
  const problems: string[] = [];
  for (const [metric, expressions] of Object.entries(thresholds)) {
    for (const [index, text] of expressions.entries()) {
      const path = formatInputPath(['thresholds', metric, index]);
      const parsed = parseThresholdExpression(text);
      if (!parsed.ok) {
        problems.push(...parsed.problems.map((p) => `${path}: ${p}`));
        continue;
      }
      const agg = parsed.expression.aggregation;
      const name = agg.kind === 'p' && agg.percentile === 50 ? 'med' : formatAggregation(agg);
      if (agg.kind === 'p' && !available.includes(name))
        problems.push(
          `${path}: ${text}: ${name} is not computed for this kind of run (available: ${available.filter((s) => s.startsWith('p(')).join(', ')}, med)`,
        );
    }
  }
  return problems;
}

/** Judges the call's thresholds on the run's saved values (k6 end-of-test semantics). */
export function judgeCallThresholds(
  thresholds: Readonly<Record<string, readonly string[]>>,
  result: RunResultFile,
): CallThreshold[] {
  const out: CallThreshold[] = [];
  for (const [metric, expressions] of Object.entries(thresholds)) {
    const values = result.metrics[metric]?.values;
    for (const text of expressions) {
      const parsed = parseThresholdExpression(text);
      if (!parsed.ok) continue; // refused before the run
      const agg = parsed.expression.aggregation;
      const key = agg.kind === 'p' && agg.percentile === 50 ? 'med' : formatAggregation(agg);
      const observed = values?.[key];
      if (observed === undefined) {
        out.push({
          metric,
          expression: text,
          ok: false,
          observed: null,
          note: values ? `the metric has no ${key}` : 'no samples of this metric',
        });
        continue;
      }
      out.push({
        metric,
        expression: text,
        ok: compare(observed, parsed.expression.operator, parsed.expression.value),
        observed,
      });
    }
  }
  return out;
}
