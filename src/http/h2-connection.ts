/**
 * One HTTP/2 connection slot for load generation, over node:http2: up to `streams` concurrent
 * streams on one session, each request filling a {@link TimingTrail} and reported to the same
 * {@link ConnectionOwner} interface as the HTTP/1.1 {@link HttpConnection}, so quick mode records
 * both through one metrics path.
 *
 *   owner ──send()──▶ session.request(headers) ──▶ stream ── 'response' (first byte)
 *                                                       └── 'close' (rstCode) ──▶ trail ──▶ owner
 *
 * The socket is made here (node:net, or node:tls with ALPN `h2` only) so `connecting` and
 * `tls_handshaking` are measured as for HTTP/1.1; `h2c` is cleartext with prior knowledge
 * (RFC 9113 §3.3). Timings follow k6: `blocked` from ready to `request()`, `sending` the
 * `request()` call, `waiting` to the response headers, `receiving` to the stream's close;
 * `duration = sending + waiting + receiving`. `data_sent`/`data_received` are the socket's byte
 * counts (frames, HPACK and TLS records included) attributed to the request completing.
 *
 * A stream's outcome is decided when it closes, never on 'end' (node emits 'end' for a reset
 * stream too): a clean close (code NO_ERROR) after response headers is an answer; RST_STREAM
 * from the server is `reset` with k6's stream code (1631 + the HTTP/2 code); a session that died
 * (socket closed or reset) fails its streams as `closed`/`truncated` (or the socket's class).
 *
 * GOAWAY (RFC 9113 §6.8): streams above the announced last-stream-id were not processed, so they
 * are handed back to the owner (`onRequestRetry`, before node refuses them) and resent on a new
 * connection, even for non-idempotent methods; a request that is already a retry fails as
 * `reset` (REFUSED_STREAM) instead. The session that got the GOAWAY drains its remaining
 * streams, which still report here, while the slot reconnects at once (`onConnectionClosed`
 * with no error): its streams are never lost. A GOAWAY with an error code fails the streams
 * still running on it as `reset` (k6's GOAWAY code, 1611 + the HTTP/2 code).
 *
 * The slot is ready when the server's SETTINGS arrive; streams in flight are capped by its
 * SETTINGS_MAX_CONCURRENT_STREAMS as well as by `streams`.
 *
 * Timeouts are per stream (`expireBefore`): a timed-out stream is cancelled (RST_STREAM CANCEL)
 * and the others on the connection go on.
 */
import {
  type ClientHttp2Session,
  type ClientHttp2Stream,
  connect as h2connect,
  constants as h2constants,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
} from 'node:http2';
import type { TLSSocket } from 'node:tls';
import type { ConnectionOwner } from './connection.js';
import {
  type ClassifiedError,
  classifySocketError,
  closedBeforeResponse,
  http2ConnectionError,
  http2GoAway,
  http2StreamReset,
  requestTimeout,
} from './errors.js';
import {
  type Http2ConnectionOptions,
  Http2Slot,
  type SlotSession,
  sessionFailure,
} from './h2-slot.js';
import type { Target } from './target.js';

/**
 * Builds HTTP/2 request headers from an HTTP/1-style request: pseudo-headers from the target,
 * lower-case names, `Host` becomes `:authority`, connection-specific headers (RFC 9113 §8.2.2)
 * are dropped. `User-Agent` defaults to `userAgent`.
 */
export function http2Headers(
  target: Target,
  method: string,
  headers: ReadonlyArray<readonly [string, string]>,
  userAgent: string,
): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {
    ':method': method,
    ':path': target.path,
    ':scheme': target.protocol === 'https:' ? 'https' : 'http',
    ':authority': target.hostHeader,
  };
  let hasAgent = false;
  for (const [rawName, value] of headers) {
    const name = rawName.toLowerCase();
    if (CONNECTION_HEADERS.has(name)) continue;
    if (name === 'host') {
      out[':authority'] = value;
      continue;
    }
    if (name === 'user-agent') hasAgent = true;
    const previous = out[name];
    out[name] =
      previous === undefined
        ? value
        : Array.isArray(previous)
          ? [...previous, value]
          : [String(previous), value];
  }
  if (!hasAgent) out['user-agent'] = userAgent;
  return out;
}

const CONNECTION_HEADERS = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
]);

/** One request in flight on a stream. */
interface Flight {
  conn: Http2Connection;
  session: SessionState;
  stream: ClientHttp2Stream | null;
  queuedAt: number;
  sendStart: number;
  sent: number;
  tag: number;
  flags: number;
  /** When the response headers arrived; 0 before. */
  firstByteAt: number;
  /**
   * When the stream ended; 0 before. Set at 'close' (node emits it on the tick that processed
   * the last frame): an 'end' listener per stream cost ~20 % more CPU per request.
   */
  endAt: number;
  status: number;
  /** Reported to the owner (answered, failed, handed back): later events are ignored. */
  done: boolean;
}

/** One HTTP/2 session (a connection generation of the slot). */
interface SessionState extends SlotSession {
  session: ClientHttp2Session;
  flights: Set<Flight>;
}

const FLIGHT = Symbol('redline.h2flight');
type OwnedStream = ClientHttp2Stream & { [FLIGHT]?: Flight };

function onStreamResponse(this: OwnedStream, headers: IncomingHttpHeaders): void {
  const flight = this[FLIGHT];
  if (flight === undefined || flight.done) return;
  flight.firstByteAt = flight.conn.now();
  flight.status = Number(headers[':status']) || 0;
}
function onStreamClose(this: OwnedStream): void {
  const flight = this[FLIGHT];
  if (flight !== undefined && !flight.done) flight.conn.handleStreamClose(flight, this.rstCode);
}
/** A stream's error is judged at its 'close' (rstCode, session state); the event needs a listener. */
function ignoreError(): void {}

/** An HTTP/2 connection slot; see the file comment. */
export class Http2Connection extends Http2Slot<SessionState, Http2Connection> {
  readonly #authority: string;

  constructor(
    id: number,
    target: Target,
    owner: ConnectionOwner<Http2Connection>,
    options: Http2ConnectionOptions,
  ) {
    super(id, target, owner, options);
    const scheme = options.mode === 'h2' ? 'https' : 'http';
    const host = target.hostname.includes(':') ? `[${target.hostname}]` : target.hostname;
    this.#authority = `${scheme}://${host}:${target.port}`;
  }

  /** @internal The clock (stream handlers read it). */
  now(): number {
    return this.clock();
  }

  connect(): void {
    if (this.active !== null) return;
    const start = this.clock();
    const socket = this.openSocket();
    const session = h2connect(this.#authority, {
      createConnection: () => socket,
      settings: { enablePush: false },
      // The default (10 MB) refuses new streams under load with many streams in flight.
      maxSessionMemory: 64,
    });
    const state: SessionState = { ...this.newSession(socket, start), session, flights: new Set() };
    this.active = state;
    socket.once('connect', () => {
      state.connectingMs = this.clock() - start;
    });
    if (this.options.mode === 'h2') {
      const tls = socket as TLSSocket;
      tls.once('secureConnect', () => {
        if (!this.tlsConnected(state, tls)) session.destroy();
      });
    }
    // Runs before node:http2's own listener: the socket's class is known when streams close.
    socket.on('error', (error) => {
      state.failure ??= classifySocketError(error);
      // A TLS alert after the handshake (a server refusing the client certificate under TLS 1.3)
      // errors the socket without destroying it once node:http2 holds it: the session then
      // never closes and its streams would wait for the timeout. Destroyed here, they fail now.
      socket.destroy();
    });
    // Ready with the server's first SETTINGS, not at the TCP/TLS 'connect': streams beyond its
    // SETTINGS_MAX_CONCURRENT_STREAMS sent before it would be refused (REFUSED_STREAM).
    session.once('remoteSettings', (settings) => {
      if (state.dead || state.failure !== null) return;
      state.maxStreams = Math.min(
        this.options.streams,
        settings.maxConcurrentStreams ?? Number.POSITIVE_INFINITY,
      );
      state.ready = true;
      this.owner.onConnectionReady(this);
    });
    session.on('remoteSettings', (settings) => {
      if (state.ready)
        state.maxStreams = Math.min(
          this.options.streams,
          settings.maxConcurrentStreams ?? Number.POSITIVE_INFINITY,
        );
    });
    session.on('error', (error: NodeJS.ErrnoException) => {
      state.failure ??= sessionErrorClass(error);
    });
    session.on('goaway', (code: number, lastStreamId: number) =>
      this.#onGoaway(state, code, lastStreamId),
    );
    session.on('close', () => this.#onSessionClosed(state));
  }

  send(_bytes: Buffer, flags: number, queuedAt: number, tag: number): void {
    const state = this.active!;
    const request = this.options.request;
    const flight: Flight = {
      conn: this,
      session: state,
      stream: null,
      queuedAt,
      sendStart: this.clock(),
      sent: 0,
      tag,
      flags,
      firstByteAt: 0,
      endAt: 0,
      status: 0,
      done: false,
    };
    state.flights.add(flight);
    let stream: OwnedStream;
    try {
      stream = state.session.request(request.headers, { endStream: request.body === null });
    } catch (error) {
      // The session refused the stream at once (closing, too many streams): a failed request.
      flight.sent = this.clock();
      this.#finishFlight(flight, flight.sent, sessionErrorClass(error as NodeJS.ErrnoException));
      return;
    }
    stream[FLIGHT] = flight;
    flight.stream = stream;
    stream.on('response', onStreamResponse);
    stream.on('close', onStreamClose);
    stream.on('error', ignoreError);
    if (request.body !== null) stream.end(request.body);
    stream.resume();
    flight.sent = this.clock();
  }

  protected expireStreams(state: SessionState, limit: number): void {
    for (const flight of state.flights) {
      if (flight.sendStart >= limit) continue;
      const stream = flight.stream;
      this.#finishFlight(flight, this.clock(), requestTimeout());
      if (stream !== null && !stream.closed) stream.close(h2constants.NGHTTP2_CANCEL);
    }
  }

  // ---- stream and session events ----

  /** @internal A stream closed before it was reported; decides its outcome (file comment). */
  handleStreamClose(flight: Flight, rstCode: number): void {
    const state = flight.session;
    const end = flight.endAt || this.clock();
    if (state.session.destroyed || state.dead) {
      this.#finishFlight(flight, end, sessionFailure(state, flight.firstByteAt));
    } else if (rstCode !== h2constants.NGHTTP2_NO_ERROR) {
      this.#finishFlight(flight, end, http2StreamReset(rstCode));
    } else if (flight.status > 0) {
      this.#finishFlight(flight, end, null);
    } else {
      this.#finishFlight(flight, end, closedBeforeResponse());
    }
  }

  #onGoaway(state: SessionState, code: number, lastStreamId: number): void {
    if (code !== h2constants.NGHTTP2_NO_ERROR) state.failure ??= http2GoAway(code);
    if (!state.draining) {
      state.draining = true;
      // Streams the server never processed: handed back for a new connection (file comment).
      for (const flight of state.flights) {
        const id = flight.stream?.id;
        if (id !== undefined && id <= lastStreamId) continue;
        this.#fillTrail(flight, this.clock());
        flight.done = true;
        state.flights.delete(flight);
        this.refuseStream(flight.flags);
      }
    }
    if (state === this.active)
      this.retireActive(state, state.flights.size > 0 && !state.dead, null);
  }

  #onSessionClosed(state: SessionState): void {
    if (state.dead) return;
    state.dead = true;
    for (const flight of state.flights)
      this.#finishFlight(
        flight,
        flight.endAt || this.clock(),
        sessionFailure(state, flight.firstByteAt),
      );
    state.flights.clear();
    this.sessionGone(state);
  }

  /** Fails the session's streams with `error` (silently when null) and tears it down. */
  protected killSession(state: SessionState, error: ClassifiedError | null): void {
    if (state.dead) return;
    state.dead = true;
    const now = this.clock();
    for (const flight of state.flights) {
      if (error !== null) this.#finishFlight(flight, now, error);
      flight.done = true;
    }
    state.flights.clear();
    state.session.destroy();
    state.socket.destroy();
  }

  /** Reports a flight: answered when `error` is null, failed otherwise. */
  #finishFlight(flight: Flight, end: number, error: ClassifiedError | null): void {
    if (flight.done) return;
    flight.done = true;
    flight.session.flights.delete(flight);
    this.#fillTrail(flight, end);
    this.reportOutcome(flight.status, error);
    if (flight.session.draining && flight.session.flights.size === 0 && !flight.session.dead)
      this.#closeDrained(flight.session);
  }

  /** A session drained after its GOAWAY: closed without failing anything. */
  #closeDrained(state: SessionState): void {
    if (state === this.active) return;
    state.dead = true;
    this.draining.delete(state);
    state.session.close();
  }

  #fillTrail(flight: Flight, end: number): void {
    const socket = flight.session.socket;
    this.fillTrail(
      flight.session,
      flight,
      flight.sent || flight.sendStart,
      end,
      socket.bytesRead,
      socket.bytesWritten,
    );
  }
}

/** Classifies a node:http2 session error (socket errors keep their class). */
function sessionErrorClass(error: NodeJS.ErrnoException): ClassifiedError {
  const code = typeof error?.code === 'string' ? error.code : '';
  if (!code.startsWith('ERR_HTTP2')) return classifySocketError(error);
  const h2code = /error code (\d+)/.exec(error.message)?.[1];
  return http2ConnectionError(
    h2code === undefined ? h2constants.NGHTTP2_PROTOCOL_ERROR : Number(h2code),
    error.message,
  );
}
