/** k6's built-in metric names and kinds, which Redline emits with the same meaning. */
import type { MetricDescriptor } from './metric-types.js';

function d(
  name: string,
  type: MetricDescriptor['type'],
  contains: MetricDescriptor['contains'] = 'default',
): MetricDescriptor {
  return type === 'gauge' ? { name, type, contains, gaugeMerge: 'sum' } : { name, type, contains };
}

/**
 * Built-in metrics (k6 `metrics/builtin.go`: HTTP, WebSocket, gRPC), plus `http_req_duration_corrected` for open-model
 * runs and `http_req_retries`.
 */
export const BUILTIN_METRICS = {
  vus: d('vus', 'gauge'),
  vus_max: d('vus_max', 'gauge'),
  iterations: d('iterations', 'counter'),
  dropped_iterations: d('dropped_iterations', 'counter'),
  iteration_duration: d('iteration_duration', 'trend', 'time'),
  checks: d('checks', 'rate'),
  group_duration: d('group_duration', 'trend', 'time'),
  http_reqs: d('http_reqs', 'counter'),
  http_req_failed: d('http_req_failed', 'rate'),
  http_req_duration: d('http_req_duration', 'trend', 'time'),
  http_req_blocked: d('http_req_blocked', 'trend', 'time'),
  http_req_connecting: d('http_req_connecting', 'trend', 'time'),
  http_req_tls_handshaking: d('http_req_tls_handshaking', 'trend', 'time'),
  http_req_sending: d('http_req_sending', 'trend', 'time'),
  http_req_waiting: d('http_req_waiting', 'trend', 'time'),
  http_req_receiving: d('http_req_receiving', 'trend', 'time'),
  /**
   * Redline addition: in open-model runs, latency measured from the *intended* start of the
   * request (corrects coordinated omission, like wrk2); `http_req_duration` stays k6's raw value.
   */
  http_req_duration_corrected: d('http_req_duration_corrected', 'trend', 'time'),
  /**
   * Redline addition: requests sent a second time because the server closed a reused keep-alive
   * connection before any byte of their response (idempotent methods only, once each). The
   * retried request counts once in `http_reqs`; its latency is that of the attempt that answered.
   */
  http_req_retries: d('http_req_retries', 'counter'),
  data_sent: d('data_sent', 'counter', 'data'),
  data_received: d('data_received', 'counter', 'data'),
  // WebSocket (k6/ws and k6/websockets).
  ws_sessions: d('ws_sessions', 'counter'),
  ws_connecting: d('ws_connecting', 'trend', 'time'),
  ws_session_duration: d('ws_session_duration', 'trend', 'time'),
  ws_msgs_sent: d('ws_msgs_sent', 'counter'),
  ws_msgs_received: d('ws_msgs_received', 'counter'),
  ws_ping: d('ws_ping', 'trend', 'time'),
  // gRPC (k6/net/grpc).
  grpc_req_duration: d('grpc_req_duration', 'trend', 'time'),
  grpc_streams: d('grpc_streams', 'counter'),
  grpc_streams_msgs_sent: d('grpc_streams_msgs_sent', 'counter'),
  grpc_streams_msgs_received: d('grpc_streams_msgs_received', 'counter'),
} as const satisfies Record<string, MetricDescriptor>;

/** Name of a built-in metric. */
export type BuiltinMetricName = keyof typeof BUILTIN_METRICS;

/** True when `name` is one of k6's built-in metric names. */
export function isBuiltinMetricName(name: string): name is BuiltinMetricName {
  return Object.hasOwn(BUILTIN_METRICS, name);
}
