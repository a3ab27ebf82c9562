/**
 * The built-in WebSocket metrics of one session (k6's `ws_*`), shared by `k6/ws` and
 * `k6/websockets`: the session's tags are fixed once the handshake answered (context tags, the
 * user's tags, `url`, `status`, `subproto`), so its series are looked up once per session.
 */
import { BUILTIN_METRICS } from '../../metrics/builtin.js';
import type { Tags } from '../../metrics/metric-types.js';
import type { CounterSeries, TrendSeries } from '../../metrics/series.js';
import { threadRuntime } from '../runtime/thread-runtime.js';
import { canonicalHeaderName } from '../vu-http/response.js';

/** The series one WebSocket session records into. */
export class WsSessionMetrics {
  readonly #sent: CounterSeries;
  readonly #received: CounterSeries;
  readonly #ping: TrendSeries;
  readonly #duration: TrendSeries;
  readonly #startedAt: number;
  #ended = false;

  /**
   * Records the session start (`ws_sessions` + 1) and its handshake time (`ws_connecting`),
   * both counted whether or not the handshake succeeded, as k6 does.
   */
  constructor(tags: Tags, startedAt: number, connectedAt: number) {
    const registry = threadRuntime().registry;
    this.#startedAt = startedAt;
    registry.counter(BUILTIN_METRICS.ws_sessions, tags).add(1);
    registry.trend(BUILTIN_METRICS.ws_connecting, tags).add(connectedAt - startedAt);
    this.#sent = registry.counter(BUILTIN_METRICS.ws_msgs_sent, tags);
    this.#received = registry.counter(BUILTIN_METRICS.ws_msgs_received, tags);
    this.#ping = registry.trend(BUILTIN_METRICS.ws_ping, tags);
    this.#duration = registry.trend(BUILTIN_METRICS.ws_session_duration, tags);
  }

  /** One message (text or binary) handed to the socket. */
  sent(): void {
    this.#sent.add(1);
  }

  /** One complete message received (a fragmented message counts once). */
  received(): void {
    this.#received.add(1);
  }

  /** A pong answered one of our pings after `ms`. */
  ping(ms: number): void {
    this.#ping.add(ms);
  }

  /** Ends the session: `ws_session_duration` from the start of the handshake (once). */
  end(at: number = performance.now()): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#duration.add(at - this.#startedAt);
  }
}

/** Response header names as k6 reports them (Go's canonical form: `Sec-Websocket-Accept`). */
export function canonicalHeaders(
  headers: Readonly<Record<string, string | string[] | undefined>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[canonicalHeaderName(name)] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
