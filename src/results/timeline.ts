/** Turns each merged interval into a compact {@link TimelinePoint} (the run's per-second series). */

import { type Aggregate, type MetricSummary, trendStat } from '../metrics/aggregate.js';
import type {
  TimelineGrpc,
  TimelineLatency,
  TimelinePoint,
  TimelineWs,
  TimelineWsEcho,
} from './run-result.js';

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

/**
 * Percentiles of a trend's summary (an interval's, or the run's so far); undefined when nothing
 * was recorded in it.
 */
export function trendLatency(summary: MetricSummary | undefined): TimelineLatency | undefined {
  if (!summary || summary.count === 0) return undefined;
  const stat = (name: string) => trendStat(summary, name) ?? 0;
  return {
    p50: stat('med'),
    p90: stat('p(90)'),
    p95: stat('p(95)'),
    p99: stat('p(99)'),
    max: stat('max'),
  };
}

/** Sum of a counter (count of a trend) in `agg`, 0 when absent. */
function sumOf(agg: Aggregate, metric: string): number {
  return agg.summarize(metric)?.sum ?? 0;
}

function countOf(agg: Aggregate, metric: string): number {
  return agg.summarize(metric)?.count ?? 0;
}

function has(agg: Aggregate, ...metrics: string[]): boolean {
  return metrics.some((m) => agg.summarize(m) !== undefined);
}

function grpcBlock(delta: Aggregate, seconds: number): TimelineGrpc {
  const calls = countOf(delta, 'grpc_req_duration');
  const block: TimelineGrpc = {
    calls,
    callsPerSecond: calls / seconds,
    streams: sumOf(delta, 'grpc_streams'),
    streamMsgsSent: sumOf(delta, 'grpc_streams_msgs_sent'),
    streamMsgsReceived: sumOf(delta, 'grpc_streams_msgs_received'),
  };
  const l = trendLatency(delta.summarize('grpc_req_duration'));
  if (l) block.latency = l;
  return block;
}

function wsBlock(delta: Aggregate, seconds: number): TimelineWs {
  const msgsReceived = sumOf(delta, 'ws_msgs_received');
  const block: TimelineWs = {
    sessions: sumOf(delta, 'ws_sessions'),
    msgsSent: sumOf(delta, 'ws_msgs_sent'),
    msgsReceived,
    msgsReceivedPerSecond: msgsReceived / seconds,
  };
  const l = trendLatency(delta.summarize('ws_session_duration'));
  if (l) block.sessionDuration = l;
  return block;
}

function wsEchoBlock(delta: Aggregate, seconds: number): TimelineWsEcho {
  const roundTrips = countOf(delta, 'ws_echo_round_trip');
  const unanswered: Record<string, number> = {};
  for (const s of delta.series.values()) {
    if (s.metric !== 'ws_echo_unanswered' || s.sum === 0) continue;
    const key = s.tags['error_class'] ?? 'other';
    unanswered[key] = (unanswered[key] ?? 0) + s.sum;
  }
  const block: TimelineWsEcho = {
    roundTrips,
    roundTripsPerSecond: roundTrips / seconds,
    unanswered,
    dropped: sumOf(delta, 'ws_echo_dropped'),
  };
  const l = trendLatency(delta.summarize('ws_echo_round_trip'));
  if (l) block.latency = l;
  const c = trendLatency(delta.summarize('ws_echo_round_trip_corrected'));
  if (c) block.corrected = c;
  return block;
}

/**
 * Builds the timeline point of one interval (`t` = seconds since start at the interval's end).
 * The protocol blocks are added once the run (`totals`) has used the protocol; points before
 * that are completed by {@link completeTimeline}.
 */
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
  const point: TimelinePoint = {
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
  if (has(totals, 'grpc_req_duration', 'grpc_streams')) point.grpc = grpcBlock(delta, seconds);
  if (has(totals, 'ws_sessions', 'ws_msgs_sent', 'ws_msgs_received'))
    point.ws = wsBlock(delta, seconds);
  if (has(totals, 'ws_echo_round_trip', 'ws_echo_unanswered', 'ws_echo_dropped'))
    point.wsEcho = wsEchoBlock(delta, seconds);
  // Quick mode's HTTP loop has no iterations: the field is there when the run counts them, or
  // is a script using gRPC or WebSocket (whose iterations may all run to the end of the test,
  // as the echo mode's sessions do, and count 0: k6 counts completed iterations only).
  if (has(totals, 'iterations') || point.grpc || point.ws || point.wsEcho)
    point.iterations = sumOf(delta, 'iterations');
  return point;
}

/**
 * Gives every point the iterations and protocol blocks any point has (zero counts, no latency:
 * nothing of that kind happened in those seconds), so a run's timeline has one shape throughout.
 */
export function completeTimeline(timeline: readonly TimelinePoint[]): TimelinePoint[] {
  const grpc = timeline.some((p) => p.grpc);
  const ws = timeline.some((p) => p.ws);
  const wsEcho = timeline.some((p) => p.wsEcho);
  const iterations = timeline.some((p) => p.iterations !== undefined);
  return timeline.map((p) => {
    const out = { ...p };
    if (iterations) out.iterations ??= 0;
    if (grpc && !out.grpc)
      out.grpc = {
        calls: 0,
        callsPerSecond: 0,
        streams: 0,
        streamMsgsSent: 0,
        streamMsgsReceived: 0,
      };
    if (ws && !out.ws)
      out.ws = { sessions: 0, msgsSent: 0, msgsReceived: 0, msgsReceivedPerSecond: 0 };
    if (wsEcho && !out.wsEcho)
      out.wsEcho = { roundTrips: 0, roundTripsPerSecond: 0, unanswered: {}, dropped: 0 };
    return out;
  });
}
