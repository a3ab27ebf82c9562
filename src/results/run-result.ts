/**
 * The saved result of one run (`redline run --json <file>`): what `redline report`, `redline
 * compare` and the audit read back. Versioned; fields are only ever added.
 */
import type { EchoAccounting, RequestAccounting } from '../metrics/request-accounting.js';
import type { EndReason, RunMeta } from './run-meta.js';

/** Default trend statistics of a summary: k6's plus p(99) and p(99.9). */
export const DEFAULT_SUMMARY_TREND_STATS = [
  'avg',
  'min',
  'med',
  'max',
  'p(90)',
  'p(95)',
  'p(99)',
  'p(99.9)',
];

/** k6-style values of one metric or sub-metric (`http_req_duration{name:login}`). */
export interface ResultMetric {
  type: 'counter' | 'gauge' | 'rate' | 'trend';
  contains: 'default' | 'time' | 'data';
  /**
   * Counter: count, rate (per second). Gauge: value, min, max. Rate: rate, passes, fails.
   * Trend: avg, min, med, max, p(90), p(95), p(99), p(99.9), count (time trends in ms).
   */
  values: Record<string, number>;
  /** Threshold expressions on this metric and whether they passed. */
  thresholds?: Record<string, { ok: boolean }>;
}

/** Latency percentiles of one interval, ms (present only when something completed in it). */
export interface TimelineLatency {
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

/** gRPC (`k6/net/grpc`) in one interval. */
export interface TimelineGrpc {
  /**
   * Calls ended (`grpc_req_duration` samples: each unary call, and each stream at its status),
   * and per second.
   */
  calls: number;
  callsPerSecond: number;
  /** `grpc_req_duration` percentiles of the interval; absent when no call ended in it. */
  latency?: TimelineLatency;
  /** Streams started (`grpc_streams`) and stream messages sent / received. */
  streams: number;
  streamMsgsSent: number;
  streamMsgsReceived: number;
}

/** WebSocket sessions (`k6/ws`, `k6/websockets`) in one interval. */
export interface TimelineWs {
  /** Sessions started (`ws_sessions`). */
  sessions: number;
  /** Messages sent / received (`ws_msgs_sent`, `ws_msgs_received`), and received per second. */
  msgsSent: number;
  msgsReceived: number;
  msgsReceivedPerSecond: number;
  /** `ws_session_duration` percentiles of the sessions that ended in the interval; else absent. */
  sessionDuration?: TimelineLatency;
}

/** The WebSocket echo quick mode (`redline run ws://… --message`) in one interval. */
export interface TimelineWsEcho {
  /** Echoes received (`ws_echo_round_trip` samples), and per second. */
  roundTrips: number;
  roundTripsPerSecond: number;
  /** `ws_echo_round_trip` percentiles of the interval; absent when no echo arrived in it. */
  latency?: TimelineLatency;
  /** With `--rate`: `ws_echo_round_trip_corrected` percentiles (from each message's due time). */
  corrected?: TimelineLatency;
  /** Messages that got no echo, by class (`ws_echo_unanswered`: interrupted, reset, closed). */
  unanswered: Record<string, number>;
  /** With `--rate`: messages never sent (`ws_echo_dropped`). */
  dropped: number;
}

/**
 * One second (interval) of the run, for charts and time-series outputs. The HTTP fields
 * (`requests` … `max`, `errors`) count HTTP requests only; what a run without HTTP measured is in
 * `iterations` and in the block of its protocol (`grpc`, `ws`, `wsEcho`), present on every point
 * of a run that used that protocol (absent in results written before they existed).
 */
export interface TimelinePoint {
  /** Seconds since the start of the measured window (interval end). */
  t: number;
  /** Requests completed in the interval, and per second. */
  requests: number;
  rps: number;
  /** Failed requests (http_req_failed) in the interval. */
  failed: number;
  /** Active VUs / open connections at the end of the interval. */
  vus: number;
  /** http_req_duration percentiles of the interval, ms (0 when no request completed). */
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
  /** Bytes received / sent in the interval. */
  dataReceived: number;
  dataSent: number;
  /** Iterations dropped in the interval (open model). */
  dropped: number;
  /**
   * Errors in the interval by class: refused, reset, timeout, dns, tls, malformed, closed,
   * truncated, interrupted, other, http-4xx, http-5xx, http-invalid-status.
   */
  errors: Record<string, number>;
  /** Iterations completed in the interval (`iterations`), any protocol. */
  iterations?: number;
  /** gRPC calls and streams of the interval (runs that used `k6/net/grpc`). */
  grpc?: TimelineGrpc;
  /** WebSocket sessions and messages of the interval (runs that used `k6/ws`, `k6/websockets`). */
  ws?: TimelineWs;
  /** Round trips of the interval (WebSocket echo quick mode). */
  wsEcho?: TimelineWsEcho;
}

/** A check's outcome (k6's root_group.checks entry). */
export interface ResultCheck {
  name: string;
  /** Group path, `::a::b` (empty for the root group). */
  path: string;
  passes: number;
  fails: number;
}

/** A threshold's outcome. */
export interface ResultThreshold {
  metric: string;
  expression: string;
  ok: boolean;
  /** The observed value the expression compared (in the metric's unit). */
  observed: number | null;
  abortOnFail: boolean;
}

/** Latency distribution of the whole run for histogram charts: bucket lower bound (ms) and count. */
export interface DistributionBucket {
  fromMs: number;
  toMs: number;
  count: number;
}

/** One agent's part in a distributed run (docs/distributed.md). */
export interface AgentOutcome {
  index: number;
  /** Its execution segment (`1/4:1/2`). */
  segment: string;
  host: string;
  pid: number;
  /** `lost`: died or went silent; `interrupted`: stopped by a signal of its own. */
  status: 'completed' | 'lost' | 'interrupted';
  detail?: string;
  /** The agent's clock minus the controller's (ms), exact to ± half of `clockRttMs`. */
  clockOffsetMs: number;
  clockRttMs: number;
  /** How late the agent's release timer fired on its own clock, ms. */
  startLateMs?: number;
}

/** How a distributed run was split and what came back. */
export interface ResultDistributed {
  testId: string;
  /** The execution-segment sequence the agents split (`0,1/4,2/4,3/4,1`). */
  sequence: string;
  agents: AgentOutcome[];
  /** True when a segment's results are (partly) missing. */
  partial: boolean;
  lostSegments: string[];
  /** `--on-agent-loss`: abort the run, or continue with the others. */
  policy: 'abort' | 'continue';
}

/** The whole saved run. */
export interface RunResultFile {
  format: 'redline-run';
  version: 1;
  redlineVersion: string;
  meta: RunMeta;
  /** Test environment as measured (host, cores, memory, Node version). */
  environment: {
    hostname: string;
    platform: string;
    cpus: number;
    cpuModel: string;
    memoryBytes: number;
    node: string;
  };
  durationMs: number;
  reason: EndReason;
  detail?: string;
  /** Every metric and sub-metric with k6-style values. */
  metrics: Record<string, ResultMetric>;
  timeline: TimelinePoint[];
  distribution: DistributionBucket[];
  statusCodes: Record<string, number>;
  errors: Record<string, number>;
  checks: ResultCheck[];
  thresholds: ResultThreshold[];
  /**
   * Where every HTTP request went: sent = answered + failed + interrupted; retried counts the
   * extra attempts after keep-alive closes (absent in results written before it existed).
   */
  requests?: RequestAccounting;
  /**
   * WebSocket echo runs only (`redline run ws://… --message`): where every message went, sent =
   * answered + unanswered by class.
   */
  echo?: EchoAccounting;
  /** Problems with the run's meaning the user must see (e.g. the target answered nothing). */
  warnings?: string[];
  /** A distributed run (`redline run --agents N`): the agents, their segments, what was lost. */
  distributed?: ResultDistributed;
  /** Generator health: its own CPU% and event-loop lag p99, and whether it saturated. */
  generator: {
    cpuPercent: number;
    eventLoopLagP99Ms: number;
    saturated: boolean;
    warnings: string[];
  };
}
