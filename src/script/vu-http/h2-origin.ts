/**
 * A VU's HTTP/2 session to one https origin (scripts): TLS with ALPN `h2, http/1.1`, as k6 (Go's
 * net/http) negotiates; when the server picks HTTP/1.1 (or no protocol) the origin is remembered
 * as HTTP/1.1 for this thread, and the connection, already up, is handed to the HTTP/1.1 pool
 * with the requests waiting for it (`onHttp1`): one TLS handshake, whatever ALPN chose, as Go's
 * transport uses the connection it dialled. (It used to be closed and a second one opened: two
 * handshakes for one connection reported.) The HTTP/2 session is only made once the server
 * chose h2, so node:http2 never holds a socket that turns out to be HTTP/1.1. Concurrent
 * requests of the VU (`http.batch`, the async API) are multiplexed as streams on the one
 * session, as k6 does.
 *
 * Outcomes are decided when a stream closes, with the rules of the quick-mode connection
 * (src/http/h2-connection.ts): clean close after headers = answered; RST_STREAM = `reset` (k6
 * code 1631 + HTTP/2 code); dead session = `closed`/`truncated` or the socket's class; streams
 * above a GOAWAY's last-stream-id are handed back once for a new session (`onRetry`).
 */
import {
  type ClientHttp2Session,
  type ClientHttp2Stream,
  connect as h2connect,
  constants as h2constants,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
} from 'node:http2';
import {
  type TLSSocket,
  type ConnectionOptions as TlsConnectionOptions,
  connect as tlsConnect,
} from 'node:tls';
import { type ConnectionOptions, SendFlags } from '../../http/connection.js';
import {
  type ClassifiedError,
  classifySocketError,
  closedBeforeResponse,
  http2GoAway,
  http2StreamReset,
  truncatedResponse,
} from '../../http/errors.js';
import { clientSecureContext } from '../../http/secure-context.js';
import type { Target } from '../../http/target.js';
import { TimingTrail } from '../../http/timing-trail.js';

/** What an origin needs of a request. */
export interface H2Request {
  h2Headers: OutgoingHttpHeaders;
  h2Body: Buffer | undefined;
  /** When the attempt became ready (`blocked` starts here). */
  readyAt: number;
  flags: number;
  /** Keep the body chunks (false for `responseType: 'none'`). */
  keepBody: boolean;
}

/** A completed HTTP/2 exchange. */
export interface H2Answer {
  status: number;
  headers: IncomingHttpHeaders;
  /** Trailer fields (a HEADERS frame after the body), or null when the server sent none. */
  trailers: IncomingHttpHeaders | null;
  chunks: Buffer[];
  trail: TimingTrail;
}

/** A TLS connection whose server chose HTTP/1.1 via ALPN, handed over (see {@link H2OriginOwner.onHttp1}). */
export interface Http1Handoff {
  socket: TLSSocket;
  /** The target the connection was made to. */
  target: Target;
  /** Its TCP connect and TLS handshake times (ms), for the first request sent on it. */
  connectingMs: number;
  tlsMs: number;
  /** The OCSP response the server stapled, if any. */
  ocspResponse: Buffer | undefined;
  /**
   * Where the socket's reads go once handed over: set it at once. The socket reads into the
   * `readBuffer` given to the origin (`onread`), so a read is valid only during the call.
   */
  reader: ((buf: Buffer, nread: number) => void) | null;
}

/** Where an origin reports. */
export interface H2OriginOwner<R extends H2Request> {
  onAnswer(request: R, answer: H2Answer): void;
  onFailed(request: R, error: ClassifiedError, trail: TimingTrail): void;
  /** Not processed by the server (GOAWAY): may be sent again on a new session. */
  onRetry(request: R): void;
  /**
   * The server chose HTTP/1.1: the connection is the owner's now (an HTTP/1.1 connection, set
   * `handoff.reader` before returning), and `requests`, not sent, go to the HTTP/1.1 path.
   */
  onHttp1(handoff: Http1Handoff, requests: R[]): void;
  /** The session is gone (closed, failed, drained): the owner forgets this origin. */
  onClosed(origin: H2Origin<R>): void;
}

interface Flight<R> {
  request: R;
  stream: ClientHttp2Stream | null;
  sendStart: number;
  sent: number;
  firstByteAt: number;
  endAt: number;
  status: number;
  headers: IncomingHttpHeaders;
  trailers: IncomingHttpHeaders | null;
  chunks: Buffer[];
  done: boolean;
}

/** Origins (protocol//host:port) whose server chose HTTP/1.1 via ALPN, per thread. */
const HTTP1_ORIGINS = new Set<string>();

/** True when this thread learned that `key`'s server does not speak HTTP/2. */
export function knownHttp1(key: string): boolean {
  return HTTP1_ORIGINS.has(key);
}

/** One origin's HTTP/2 session; see the file comment. */
export class H2Origin<R extends H2Request> {
  readonly key: string;
  /** Negotiated TLS version and cipher (IANA name). */
  tlsProtocol = '';
  tlsCipher = '';
  readonly #owner: H2OriginOwner<R>;
  /** Made when the server chose h2 (null before, and for ever when it chose HTTP/1.1). */
  #session: ClientHttp2Session | null = null;
  readonly #socket: TLSSocket;
  readonly #target: Target;
  /** Reads of the socket before node:http2 takes it, or after it was handed over (`onHttp1`). */
  #reader: ((buf: Buffer, nread: number) => void) | null = null;
  #ocspResponse: Buffer | undefined = undefined;
  #ready = false;
  #draining = false;
  #dead = false;
  /**
   * One request per connection (k6's `noConnectionReuse`: Go's HTTP/2 transport makes its
   * connections single-use when keep-alives are off): after the first stream this session takes no
   * other, and it closes once that stream is over.
   */
  readonly #singleUse: boolean;
  #used = false;
  #failure: ClassifiedError | null = null;
  readonly #queue: R[] = [];
  readonly #flights = new Set<Flight<R>>();
  readonly #connectStart: number;
  #connectingMs = 0;
  #tlsMs = 0;
  #fresh = true;
  #bytesRead = 0;
  #bytesWritten = 0;

  constructor(
    key: string,
    target: Target,
    owner: H2OriginOwner<R>,
    insecure: boolean,
    tls: ConnectionOptions['tls'],
    readBuffer: Buffer,
    singleUse = false,
  ) {
    this.key = key;
    this.#target = target;
    this.#singleUse = singleUse;
    this.#owner = owner;
    this.#connectStart = performance.now();
    // As the HTTP/1.1 connection (src/http/connection.ts) opens its sockets: a shared TLS context,
    // a stapled OCSP response asked for, reads into the thread's buffer (`onread`, passed on by
    // node:tls). node:http2 reads natively once it holds the socket; before, and after a handoff
    // to HTTP/1.1, the reads come here.
    const socket = tlsConnect({
      host: target.hostname,
      port: target.port,
      servername: target.servername,
      rejectUnauthorized: !insecure,
      ALPNProtocols: ['h2', 'http/1.1'],
      requestOCSP: true,
      secureContext: clientSecureContext(tls),
      onread: {
        buffer: readBuffer,
        callback: (nread: number, buf: Buffer) => {
          this.#reader?.(buf, nread);
          return true;
        },
      },
    } as TlsConnectionOptions);
    this.#socket = socket;
    socket.setNoDelay(true);
    socket.once('connect', this.#onTcpUp);
    socket.once('OCSPResponse', this.#onOcsp);
    socket.once('secureConnect', this.#onSecureConnect);
    socket.on('error', this.#onSocketError);
    socket.once('close', this.#onSocketClose);
  }

  readonly #onTcpUp = (): void => {
    this.#connectingMs = performance.now() - this.#connectStart;
  };

  readonly #onOcsp = (response: Buffer): void => {
    this.#ocspResponse = response;
  };

  readonly #onSocketError = (error: Error): void => {
    this.#failure ??= classifySocketError(error);
    // A TLS alert after the handshake (a server refusing the client certificate under TLS 1.3)
    // errors the socket without destroying it once node:http2 holds it: the session would never
    // close and its requests would wait for their timeout (as in h2-connection.ts).
    this.#socket.destroy();
  };

  /** The socket closed before a session was made (refused, TLS failure, destroyed). */
  readonly #onSocketClose = (): void => {
    if (this.#session === null) this.#onClose();
  };

  readonly #onSecureConnect = (): void => {
    const socket = this.#socket;
    this.#tlsMs = performance.now() - this.#connectStart - this.#connectingMs;
    this.tlsProtocol = socket.getProtocol() ?? '';
    this.tlsCipher = socket.getCipher()?.standardName ?? '';
    if (this.#dead) return;
    if (socket.alpnProtocol !== 'h2') return this.#handOver();
    const host = this.#target.hostname.includes(':')
      ? `[${this.#target.hostname}]`
      : this.#target.hostname;
    // Made here, in the handshake's callback: no byte of the server's was read before.
    const session = h2connect(`https://${host}:${this.#target.port}`, {
      createConnection: () => socket,
      settings: { enablePush: false },
    });
    this.#session = session;
    session.on('error', (error: NodeJS.ErrnoException) => {
      this.#failure ??= classifySocketError(error);
    });
    // Up with the server's first SETTINGS: streams sent earlier could exceed its
    // SETTINGS_MAX_CONCURRENT_STREAMS and be refused; after it, node:http2 queues the excess.
    session.once('remoteSettings', () => {
      if (this.#dead) return;
      this.#ready = true;
      const queued = this.#queue.splice(0);
      for (const r of queued) this.#send(r);
    });
    session.on('goaway', (code: number, last: number) => this.#onGoaway(code, last));
    session.on('close', () => this.#onClose());
  };

  /** True while new requests may be sent (or queued) on this session. */
  get usable(): boolean {
    return !this.#dead && !this.#draining && !(this.#singleUse && this.#used);
  }

  /** Sends `request` now, or when the session is up. */
  send(request: R): void {
    this.#used = true;
    if (this.#ready) this.#send(request);
    else this.#queue.push(request);
  }

  /**
   * Ends `request` (its timeout elapsed, or the test ended): a stream is cancelled and reports
   * `error` through `onFailed` unless `silent` (true). A request still queued for the session is
   * only dropped from the queue and false returned, as for one not here: the caller reports it
   * (nothing was sent). It used to return true, so a timed-out queued request was never reported
   * and its VU waited until the test's end.
   */
  cancel(request: R, error: ClassifiedError, silent: boolean): boolean {
    const queued = this.#queue.indexOf(request);
    if (queued >= 0) {
      this.#queue.splice(queued, 1);
      return false;
    }
    for (const flight of this.#flights) {
      if (flight.request !== request) continue;
      const stream = flight.stream;
      if (silent) {
        flight.done = true;
        this.#flights.delete(flight);
      } else this.#finish(flight, performance.now(), error);
      if (stream !== null && !stream.closed) stream.close(h2constants.NGHTTP2_CANCEL);
      return true;
    }
    return false;
  }

  /** Closes the session at once; requests still here are dropped silently (the owner counts them). */
  destroy(): void {
    if (this.#dead) return;
    this.#dead = true;
    for (const f of this.#flights) f.done = true;
    this.#flights.clear();
    this.#queue.length = 0;
    this.#session?.destroy();
    this.#socket.destroy();
    this.#owner.onClosed(this);
  }

  /** The server chose HTTP/1.1 (or nothing): the connection and the waiting requests go to the owner. */
  #handOver(): void {
    HTTP1_ORIGINS.add(this.key);
    this.#dead = true;
    const queued = this.#queue.splice(0);
    const socket = this.#socket;
    socket.off('error', this.#onSocketError);
    socket.off('close', this.#onSocketClose);
    socket.off('OCSPResponse', this.#onOcsp);
    this.#owner.onClosed(this);
    const handoff: Http1Handoff = {
      socket,
      target: this.#target,
      connectingMs: this.#connectingMs,
      tlsMs: this.#tlsMs,
      ocspResponse: this.#ocspResponse,
      reader: null,
    };
    this.#owner.onHttp1(handoff, queued);
    this.#reader = handoff.reader;
    // Nobody took it (cannot happen with VuHttp): closed rather than leaked.
    if (this.#reader === null) socket.destroy();
  }

  #send(request: R): void {
    const flight: Flight<R> = {
      request,
      stream: null,
      sendStart: performance.now(),
      sent: 0,
      firstByteAt: 0,
      endAt: 0,
      status: 0,
      headers: {},
      trailers: null,
      chunks: [],
      done: false,
    };
    this.#flights.add(flight);
    let stream: ClientHttp2Stream;
    try {
      // #send runs once the session is up (remoteSettings), so it exists.
      stream = this.#session!.request(request.h2Headers, {
        endStream: request.h2Body === undefined,
      });
    } catch (error) {
      flight.sent = performance.now();
      this.#finish(flight, flight.sent, classifySocketError(error));
      return;
    }
    flight.stream = stream;
    stream.on('response', (headers) => {
      flight.firstByteAt = performance.now();
      flight.status = Number(headers[':status']) || 0;
      flight.headers = headers;
    });
    stream.on('trailers', (trailers) => {
      flight.trailers = trailers;
    });
    if (request.keepBody) stream.on('data', (chunk: Buffer) => flight.chunks.push(chunk));
    else stream.resume();
    stream.on('end', () => {
      if (flight.endAt === 0) flight.endAt = performance.now();
    });
    stream.on('error', () => {});
    stream.on('close', () => {
      if (flight.done) return;
      const end = flight.endAt || performance.now();
      if (this.#session?.destroyed !== false || this.#dead)
        this.#finish(flight, end, this.#sessionFailure(flight));
      else if (stream.rstCode !== h2constants.NGHTTP2_NO_ERROR)
        this.#finish(flight, end, http2StreamReset(stream.rstCode));
      else this.#finish(flight, end, flight.status > 0 ? null : closedBeforeResponse());
    });
    if (request.h2Body !== undefined) stream.end(request.h2Body);
    flight.sent = performance.now();
  }

  #sessionFailure(flight: Flight<R>): ClassifiedError {
    return this.#failure ?? (flight.firstByteAt > 0 ? truncatedResponse() : closedBeforeResponse());
  }

  #onGoaway(code: number, lastStreamId: number): void {
    if (code !== h2constants.NGHTTP2_NO_ERROR) this.#failure ??= http2GoAway(code);
    if (this.#draining) return;
    this.#draining = true;
    this.#owner.onClosed(this);
    for (const flight of this.#flights) {
      const id = flight.stream?.id;
      if (id !== undefined && id <= lastStreamId) continue;
      flight.done = true;
      this.#flights.delete(flight);
      if ((flight.request.flags & SendFlags.Retry) === 0) this.#owner.onRetry(flight.request);
      else
        this.#owner.onFailed(
          flight.request,
          http2StreamReset(h2constants.NGHTTP2_REFUSED_STREAM),
          this.#trail(flight, performance.now()),
        );
    }
    for (const r of this.#queue.splice(0)) this.#owner.onRetry(r);
  }

  #onClose(): void {
    const wasDead = this.#dead;
    this.#dead = true;
    const now = performance.now();
    for (const flight of this.#flights)
      this.#finish(flight, flight.endAt || now, this.#sessionFailure(flight));
    // Requests still waiting for the session: it never came up.
    for (const r of this.#queue.splice(0)) {
      const trail = new TimingTrail();
      trail.blocked = now - r.readyAt;
      trail.queuedAt = r.readyAt;
      trail.sendStart = trail.endAt = now;
      this.#owner.onFailed(r, this.#failure ?? closedBeforeResponse(), trail);
    }
    if (!wasDead && !this.#draining) this.#owner.onClosed(this);
  }

  #finish(flight: Flight<R>, end: number, error: ClassifiedError | null): void {
    if (flight.done) return;
    flight.done = true;
    this.#flights.delete(flight);
    const trail = this.#trail(flight, end);
    if (error === null)
      this.#owner.onAnswer(flight.request, {
        status: flight.status,
        headers: flight.headers,
        trailers: flight.trailers,
        chunks: flight.chunks,
        trail,
      });
    else this.#owner.onFailed(flight.request, error, trail);
    const over = this.#draining || (this.#singleUse && this.#queue.length === 0);
    if (over && this.#flights.size === 0 && !this.#dead) {
      this.#dead = true;
      this.#session?.close();
    }
  }

  #trail(flight: Flight<R>, end: number): TimingTrail {
    const trail = new TimingTrail();
    if (this.#fresh) {
      trail.connecting = this.#connectingMs;
      trail.tlsHandshaking = this.#tlsMs;
      this.#fresh = false;
    }
    const readyAt = flight.request.readyAt;
    const sent = flight.sent || flight.sendStart;
    trail.blocked = flight.sendStart > readyAt ? flight.sendStart - readyAt : 0;
    trail.sending = sent - flight.sendStart;
    if (flight.firstByteAt > 0) {
      trail.waiting = Math.max(0, flight.firstByteAt - sent);
      trail.receiving = Math.max(0, end - flight.firstByteAt);
    } else {
      trail.waiting = Math.max(0, end - sent);
    }
    trail.duration = trail.sending + trail.waiting + trail.receiving;
    trail.queuedAt = readyAt;
    trail.sendStart = flight.sendStart;
    trail.endAt = end;
    const read = this.#socket.bytesRead;
    const written = this.#socket.bytesWritten;
    trail.bytesReceived = read - this.#bytesRead;
    trail.bytesSent = written - this.#bytesWritten;
    this.#bytesRead = read;
    this.#bytesWritten = written;
    return trail;
  }
}
