/**
 * What a run's per-second timeline measures: HTTP requests, or for a run without HTTP the echo
 * quick mode's round trips, gRPC calls, WebSocket messages or iterations. One decision shared by
 * the HTML report's charts and the live dashboard, so both plot and name the same series.
 */
import type { TimelineLatency, TimelinePoint } from './run-result.js';

/** The measure a timeline is plotted in. */
export interface TimelineMeasure {
  kind: 'http' | 'ws-echo' | 'grpc' | 'ws' | 'iterations';
  /** What the throughput counts, plural (`HTTP requests`, `gRPC calls`, …). */
  name: string;
  /** Its unit per second on the axis (`requests/s`, `calls/s`, …). */
  rateUnit: string;
  /** The trend behind the latency percentiles; absent when the measure has no latency. */
  latencyMetric?: string;
  /** True when failures per second are counted for the measure (HTTP requests, echo messages). */
  errors: boolean;
}

/** The measures by kind. */
export const TIMELINE_MEASURES: Readonly<Record<TimelineMeasure['kind'], TimelineMeasure>> = {
  http: {
    kind: 'http',
    name: 'HTTP requests',
    rateUnit: 'requests/s',
    latencyMetric: 'http_req_duration',
    errors: true,
  },
  'ws-echo': {
    kind: 'ws-echo',
    name: 'WebSocket echo round trips',
    rateUnit: 'round trips/s',
    latencyMetric: 'ws_echo_round_trip',
    errors: true,
  },
  grpc: {
    kind: 'grpc',
    name: 'gRPC calls',
    rateUnit: 'calls/s',
    latencyMetric: 'grpc_req_duration',
    errors: false,
  },
  ws: {
    kind: 'ws',
    name: 'WebSocket messages received',
    rateUnit: 'messages/s',
    latencyMetric: 'ws_session_duration',
    errors: false,
  },
  iterations: { kind: 'iterations', name: 'iterations', rateUnit: 'iterations/s', errors: false },
};

/**
 * What `points` measure: HTTP requests when the run sent any (`httpRequests` > 0); otherwise the
 * echo quick mode's round trips, gRPC calls, WebSocket messages or iterations, the first any point
 * carries; undefined when no point carries anything (an old result of a run without HTTP).
 */
export function timelineMeasure(
  points: readonly TimelinePoint[],
  httpRequests: number,
): TimelineMeasure | undefined {
  if (httpRequests > 0) return TIMELINE_MEASURES.http;
  if (points.some((p) => p.wsEcho)) return TIMELINE_MEASURES['ws-echo'];
  if (points.some((p) => p.grpc?.calls)) return TIMELINE_MEASURES.grpc;
  if (points.some((p) => p.ws)) return TIMELINE_MEASURES.ws;
  if (points.some((p) => p.iterations !== undefined)) return TIMELINE_MEASURES.iterations;
  return undefined;
}

/** One timeline point in the terms of a measure. */
export interface MeasuredPoint {
  /** The measure per second. */
  rps: number;
  /** How many of the measure completed in the interval. */
  count: number;
  /** Failures of the measure in the interval (0 when the measure counts none). */
  failed: number;
  /** Those failures by class. */
  errors: Record<string, number>;
  /** Latency percentiles; absent when nothing of the measure completed or it has no latency. */
  latency?: TimelineLatency;
}

/**
 * A timeline point in the terms of `kind`: its rate, count, latency and failures of that
 * interval (`seconds` long: the point's `t` minus the previous one's).
 */
export function measuredPoint(
  p: TimelinePoint,
  kind: TimelineMeasure['kind'],
  seconds: number,
): MeasuredPoint {
  const withLatency = (out: MeasuredPoint, l: TimelineLatency | undefined): MeasuredPoint =>
    l ? { ...out, latency: l } : out;
  switch (kind) {
    case 'http':
      return withLatency(
        { rps: p.rps, count: p.requests, failed: p.failed, errors: { ...p.errors } },
        p.requests > 0 ? { p50: p.p50, p90: p.p90, p95: p.p95, p99: p.p99, max: p.max } : undefined,
      );
    case 'ws-echo': {
      const errors = { ...(p.wsEcho?.unanswered ?? {}) };
      return withLatency(
        {
          rps: p.wsEcho?.roundTripsPerSecond ?? 0,
          count: p.wsEcho?.roundTrips ?? 0,
          failed: Object.values(errors).reduce((sum, n) => sum + n, 0),
          errors,
        },
        p.wsEcho?.latency,
      );
    }
    case 'grpc':
      return withLatency(
        { rps: p.grpc?.callsPerSecond ?? 0, count: p.grpc?.calls ?? 0, failed: 0, errors: {} },
        p.grpc?.latency,
      );
    case 'ws':
      return withLatency(
        {
          rps: p.ws?.msgsReceivedPerSecond ?? 0,
          count: p.ws?.msgsReceived ?? 0,
          failed: 0,
          errors: {},
        },
        p.ws?.sessionDuration,
      );
    case 'iterations':
      return {
        rps: (p.iterations ?? 0) / seconds,
        count: p.iterations ?? 0,
        failed: 0,
        errors: {},
      };
  }
}
