/** Builds the saved {@link RunResultFile} of a run from its merged totals. */
import { cpus, hostname, totalmem } from 'node:os';
import { type Aggregate, type MetricSummary, trendStat } from '../metrics/aggregate.js';
import { TREND_SCALE } from '../metrics/histogram.js';
import type { Tags } from '../metrics/metric-types.js';
import {
  answerWarning,
  echoAccounting,
  echoWarning,
  requestAccounting,
} from '../metrics/request-accounting.js';
import type { EndReason, RunMeta } from '../results/run-meta.js';
import {
  DEFAULT_SUMMARY_TREND_STATS,
  type DistributionBucket,
  type ResultCheck,
  type ResultMetric,
  type RunResultFile,
  type TimelinePoint,
} from '../results/run-result.js';
import { completeTimeline, errorsByClass } from '../results/timeline.js';
import { REDLINE_VERSION } from '../util/version.js';

/** Trend statistics written for every trend (k6's defaults plus p(99) and p(99.9)). */
export const RESULT_TREND_STATS = [...DEFAULT_SUMMARY_TREND_STATS, 'count'];

/** k6-style values of a summarised metric. */
export function metricValues(
  summary: MetricSummary,
  durationMs: number,
  trendStats: readonly string[] = RESULT_TREND_STATS,
): Record<string, number> {
  const seconds = Math.max(0.001, durationMs / 1000);
  switch (summary.type) {
    case 'counter':
      return { count: summary.sum, rate: summary.sum / seconds };
    case 'gauge':
      return {
        value: summary.sum,
        min: Number.isFinite(summary.min) ? summary.min : summary.sum,
        max: Number.isFinite(summary.max) ? summary.max : summary.sum,
      };
    case 'rate':
      return {
        rate: summary.count > 0 ? summary.sum / summary.count : 0,
        passes: summary.sum,
        fails: summary.count - summary.sum,
      };
    case 'trend': {
      const values: Record<string, number> = {};
      for (const stat of trendStats) values[stat] = trendStat(summary, stat) ?? 0;
      return values;
    }
  }
}

/** Every metric of `totals` plus the sub-metrics asked for (k6 always adds expected_response). */
export function resultMetrics(
  totals: Aggregate,
  durationMs: number,
  subMetrics: Array<{ metric: string; tags: Tags }> = [],
  trendStats: readonly string[] = RESULT_TREND_STATS,
): Record<string, ResultMetric> {
  const metrics: Record<string, ResultMetric> = {};
  const add = (key: string, summary: MetricSummary | undefined) => {
    if (!summary) return;
    metrics[key] = {
      type: summary.type,
      contains: summary.contains,
      values: metricValues(summary, durationMs, [...trendStats]),
    };
  };
  for (const name of totals.metricNames()) add(name, totals.summarize(name));
  const wanted = [
    { metric: 'http_req_duration', tags: { expected_response: 'true' } },
    ...subMetrics,
  ];
  for (const { metric, tags } of wanted) {
    const label = Object.entries(tags)
      .map(([k, v]) => `${k}:${v}`)
      .join(',');
    add(`${metric}{${label}}`, totals.summarize(metric, tags));
  }
  return metrics;
}

/** Requests per status code. */
export function statusCodes(totals: Aggregate): Record<string, number> {
  const codes: Record<string, number> = {};
  for (const s of totals.series.values()) {
    if (s.metric !== 'http_reqs') continue;
    const status = s.tags['status'] ?? '0';
    codes[status] = (codes[status] ?? 0) + s.sum;
  }
  return codes;
}

/** Checks by name and group path, from the `checks` rate series. */
export function resultChecks(totals: Aggregate): ResultCheck[] {
  const byKey = new Map<string, ResultCheck>();
  for (const s of totals.series.values()) {
    if (s.metric !== 'checks') continue;
    const name = s.tags['check'] ?? '';
    const path = s.tags['group'] ?? '';
    const key = `${path}\u0000${name}`;
    const check = byKey.get(key) ?? { name, path, passes: 0, fails: 0 };
    check.passes += s.sum;
    check.fails += s.count - s.sum;
    byKey.set(key, check);
  }
  return [...byKey.values()];
}

/** Latency distribution of http_req_duration in `buckets` log-spaced buckets between min and max. */
export function latencyDistribution(totals: Aggregate, buckets = 30): DistributionBucket[] {
  const summary = totals.summarize('http_req_duration');
  const h = summary?.histogram as unknown as JsHistogramLike | undefined;
  if (!summary || !h?.recordedValuesIterator || summary.count === 0) return [];
  const low = Math.max(0.001, summary.min);
  const high = Math.max(low * 1.0001, summary.max);
  const logRatio = Math.log(high / low) / buckets;
  const result: DistributionBucket[] = Array.from({ length: buckets }, (_, i) => ({
    fromMs: low * Math.exp(logRatio * i),
    toMs: low * Math.exp(logRatio * (i + 1)),
    count: 0,
  }));
  const it = h.recordedValuesIterator;
  it.reset();
  while (it.hasNext()) {
    const v = it.next();
    const ms = v.valueIteratedTo / TREND_SCALE;
    const index = Math.min(
      buckets - 1,
      Math.max(0, Math.floor(Math.log(Math.max(ms, low) / low) / logRatio)),
    );
    result[index]!.count += v.countAtValueIteratedTo;
  }
  return result;
}

/** The part of hdr-histogram-js's JsHistogram used to walk recorded values. */
interface JsHistogramLike {
  recordedValuesIterator?: {
    reset(): void;
    hasNext(): boolean;
    next(): { valueIteratedTo: number; countAtValueIteratedTo: number };
  };
}

/** Everything the result needs that the controller measured. */
export interface ResultInputs {
  meta: RunMeta;
  totals: Aggregate;
  timeline: TimelinePoint[];
  durationMs: number;
  reason: EndReason;
  detail?: string;
  generator: RunResultFile['generator'];
  /** Trend statistics to compute (default RESULT_TREND_STATS). */
  trendStats?: readonly string[];
}

/** Assembles the saved result. Thresholds are filled in by the threshold evaluator when present. */
export function buildRunResult(inputs: ResultInputs): RunResultFile {
  const cpuList = cpus();
  const result: RunResultFile = {
    format: 'redline-run',
    version: 1,
    redlineVersion: REDLINE_VERSION,
    meta: inputs.meta,
    environment: {
      hostname: hostname(),
      platform: `${process.platform} ${process.arch}`,
      cpus: cpuList.length,
      cpuModel: cpuList[0]?.model ?? 'unknown',
      memoryBytes: totalmem(),
      node: process.version,
    },
    durationMs: inputs.durationMs,
    reason: inputs.reason,
    metrics: resultMetrics(inputs.totals, inputs.durationMs, [], inputs.trendStats),
    timeline: completeTimeline(inputs.timeline),
    distribution: latencyDistribution(inputs.totals),
    statusCodes: statusCodes(inputs.totals),
    errors: errorsByClass(inputs.totals),
    checks: resultChecks(inputs.totals),
    thresholds: [],
    requests: requestAccounting(inputs.totals),
    generator: inputs.generator,
  };
  if (inputs.detail !== undefined) result.detail = inputs.detail;
  const echo = echoAccounting(inputs.totals);
  if (echo) result.echo = echo;
  const warnings = [answerWarning(result.requests!), echo && echoWarning(echo)].filter(
    (w): w is string => w !== undefined,
  );
  if (warnings.length > 0) result.warnings = warnings;
  return result;
}

/**
 * True when the run sent HTTP requests (or, in quick mode, was meant to: `expectRequests`) and
 * the target answered none of them, or a WebSocket echo run got no echo at all: such a run must
 * never look green (exit 69, see docs/exit-codes.md).
 */
export function targetNeverAnswered(result: RunResultFile, expectRequests = false): boolean {
  // A WebSocket echo run that got no echo at all (messages sent, or handshakes refused).
  const echo = result.echo;
  if (echo && echo.answered === 0 && (echo.sent > 0 || echo.failedHandshakes > 0)) return true;
  const counts = result.requests;
  if (!counts || counts.answered > 0) return false;
  return counts.sent > 0 || expectRequests;
}
