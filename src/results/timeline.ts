/** Turns each merged interval into a compact {@link TimelinePoint} (the run's per-second series). */

import { type Aggregate, trendStat } from '../metrics/aggregate.js';
import type { TimelinePoint } from './run-result.js';

/** The error class of an answered request by its status: http-4xx, http-5xx, http-invalid-status. */
export function statusErrorClass(status: number): string | undefined {
  if (status >= 400 && status < 500) return 'http-4xx';
  if (status >= 500 && status < 600) return 'http-5xx';
  // RFC 9110 §15: a status code outside 100-599 is invalid (some servers send 999 to bots).
  if (status >= 600) return 'http-invalid-status';
  return undefined;
}

/**
 * Errors of an interval by class: network classes from `error_class` (`interrupted` included),
 * HTTP ones from the status (http-4xx, http-5xx, http-invalid-status).
 */
export function errorsByClass(agg: Aggregate): Record<string, number> {
  const errors: Record<string, number> = {};
  for (const s of agg.series.values()) {
    if (s.metric !== 'http_reqs' || s.sum === 0) continue;
    const key = s.tags['error_class'] ?? statusErrorClass(Number(s.tags['status'] ?? 0));
    if (key) errors[key] = (errors[key] ?? 0) + s.sum;
  }
  return errors;
}

/** Builds the timeline point of one interval (`t` = seconds since start at the interval's end). */
export function timelinePoint(
  delta: Aggregate,
  totals: Aggregate,
  startMs: number,
  endMs: number,
): TimelinePoint {
  const seconds = Math.max(0.001, (endMs - startMs) / 1000);
  const requests = delta.summarize('http_reqs')?.sum ?? 0;
  const duration = delta.summarize('http_req_duration');
  const failed = delta.summarize('http_req_failed');
  const stat = (name: string) => (duration ? (trendStat(duration, name) ?? 0) : 0);
  return {
    t: Math.round(endMs) / 1000,
    requests,
    rps: requests / seconds,
    failed: failed?.sum ?? 0,
    vus: totals.summarize('vus')?.sum ?? 0,
    p50: stat('med'),
    p90: stat('p(90)'),
    p95: stat('p(95)'),
    p99: stat('p(99)'),
    max: stat('max'),
    dataReceived: delta.summarize('data_received')?.sum ?? 0,
    dataSent: delta.summarize('data_sent')?.sum ?? 0,
    dropped: delta.summarize('dropped_iterations')?.sum ?? 0,
    errors: errorsByClass(delta),
  };
}
