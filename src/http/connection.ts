/**
 * One keep-alive HTTP/1.1 connection over node:net or node:tls: writes prebuilt request bytes,
 * feeds the incremental parser, fills a {@link TimingTrail} per request and reports to its
 * owner. Up to `pipelining` requests may be in flight; their timestamps live in a ring of typed
 * arrays, so a request costs no allocation.
 *
 *   owner ──send(bytes)──▶ [ring: queuedAt | sendStart | sent | tag | isHead | bytes] ──▶ socket
 *   socket ──read──▶ parser ──complete──▶ trail ──▶ owner.onResponse(conn)
 *
 * Reads go into a caller-supplied buffer (`onread`), so reading allocates nothing: plain TCP
 * reads, and TLS reads too (node:tls decrypts straight into it). Over TLS this replaced 'data'
 * events, which cost a Buffer per read plus the Readable stream's push/emit machinery
 * (bench/tls-vs-peers.mjs).
 *
 * Timings follow k6 (lib/netext/httpext/tracer.go): `blocked` runs from when the request was
 * ready until it could be written, so on a new connection it contains `connecting` and
 * `tls_handshaking`; `waiting` runs from the last byte written to the read that brought the first
 * response byte; `receiving` from that read to the one that brought the last byte (0 when the
 * whole response came in one read: k6 would add its client's parse time, a few µs); and
 * `duration = sending + waiting + receiving`, exactly, for answered and failed requests alike.
 *
 * A server may close an idle keep-alive connection at any time (RFC 9112 §9.3), so a request
 * written just before that close gets nothing back. Like browsers and Go's net/http, such a
 * request is handed back to the owner for one retry on a new connection (`onRequestRetry`) when
 * it is idempotent, got no byte of its response, the connection had already completed a response
 * (reused, or pipelined behind one) and it is not itself a retry. Otherwise it fails with
 * `closed` (or `truncated` when part of the response had arrived).
 *
 * Why not undici: on the same closed loop (50 keep-alive connections to nginx, body discarded,
 * one latency sample per request), undici 7's Pool spent 2.3x more CPU per response with
 * request() + body.dump() and 1.5-1.8x more with dispatch() and handler callbacks than this
 * client, and its median rate was lower in all but one heavily loaded session
 * (bench/client-vs-undici.mjs, 7 rotating runs per session; bench/RESULTS.md). The timing trail
 * also needs socket-level moments (first byte, last byte) that undici's public API does not expose.
 */
import { type NetConnectOpts, connect as netConnect, type Socket } from 'node:net';
import {
  type TLSSocket,
  type ConnectionOptions as TlsConnectionOptions,
  connect as tlsConnect,
} from 'node:tls';
import {
  type ClassifiedError,
  classifySocketError,
  closedBeforeResponse,
  closedNotRetried,
  malformedResponse,
  requestTimeout,
  truncatedResponse,
} from './errors.js';
import type { LoadConnection } from './load-connection.js';
import { ResponseParser, type ResponseParserOwner } from './response-parser.js';
import { type ClientTlsOptions, clientSecureContext } from './secure-context.js';
import type { Target } from './target.js';
import { TimingTrail } from './timing-trail.js';

/**
 * What a connection reports to. Implementations should be a single class per use (monomorphic).
 * `C` is the connection type reported (HTTP/2 connections report to the same interface).
 */
export interface ConnectionOwner<C extends LoadConnection = HttpConnection> {
  /** TCP (and TLS) is up: requests may be sent. */
  onConnectionReady(conn: C): void;
  /** The oldest in-flight request got its response: `conn.trail` and `conn.parser` describe it. */
  onResponse(conn: C): void;
  /** The oldest in-flight request failed (called once per failed request, oldest first). */
  onRequestFailed(conn: C, error: ClassifiedError): void;
  /**
   * The oldest in-flight request got no byte of its response before the server closed this
   * (reused) connection, and may be sent once more (see the file comment): the owner resends it
   * on a new connection with {@link SendFlags.Retry}, or records it as failed with `error`.
   * `conn.trail` describes the failed attempt (its `tag` and `queuedAt` are the request's).
   */
  onRequestRetry(conn: C, error: ClassifiedError): void;
  /**
   * The connection closed; `error` is null for a clean close. Failed in-flight requests were
   * reported before. `duringConnect` is true when the TCP/TLS handshake itself failed.
   */
  onConnectionClosed(conn: C, error: ClassifiedError | null, duringConnect: boolean): void;
}

/** Options of a connection. */
export interface ConnectionOptions {
  /** Maximum requests in flight (1 = no pipelining). */
  pipelining: number;
  /** Skip TLS certificate verification. */
  insecure: boolean;
  /**
   * TLS versions, OpenSSL cipher list and client certificate (scripted runs' k6 TLS options);
   * connections with equal options share one TLS context ({@link clientSecureContext}).
   */
  tls?: ClientTlsOptions;
  /** Ask TLS servers for a stapled OCSP response (scripts' `response.ocsp`); kept in `ocspResponse`. */
  requestOcsp?: boolean;
  /**
   * Resume the TLS session of this connection's previous socket when it reconnects (an
   * abbreviated handshake, as browsers and wrk do). Quick mode only: k6 (Go's default client)
   * does not resume, so scripts measure full handshakes as k6 does.
   */
  resumeTlsSessions?: boolean;
  /** Shared read buffer (`onread`, TCP and TLS); one per thread is enough. */
  readBuffer: Buffer;
  /** Keep response headers / bodies (scripted requests) or discard them (quick mode). */
  keepHeaders: boolean;
  keepBody: boolean;
  /** Clock in ms (performance.now by default). */
  now?: () => number;
}

/**
 * A socket's owner and the connection generation it belongs to. Socket events go to shared
 * module-level handlers that find the connection here, instead of five closures per socket
 * (10,000 VUs each keep a connection: closures were a measurable share of the heap).
 */
const OWNER = Symbol('redline.httpConnection');
type OwnedSocket = (Socket | TLSSocket) & {
  [OWNER]?: { conn: HttpConnection; generation: number };
};

function ownerOf(socket: OwnedSocket): HttpConnection | undefined {
  const owner = socket[OWNER];
  return owner && owner.generation === owner.conn.generation ? owner.conn : undefined;
}
function onTcpConnect(this: OwnedSocket): void {
  ownerOf(this)?.handleSocket('ready');
}
function onTcpUpBeforeTls(this: OwnedSocket): void {
  ownerOf(this)?.handleSocket('tcp-up');
}
function onSecureConnect(this: OwnedSocket): void {
  ownerOf(this)?.handleSocket('ready-tls');
}
function onOcspResponse(this: OwnedSocket, response: Buffer): void {
  const conn = ownerOf(this);
  if (conn) conn.ocspResponse = response;
}
function onSocketError(this: OwnedSocket, error: Error): void {
  ownerOf(this)?.handleSocketError(error);
}
function onSocketEnd(this: OwnedSocket): void {
  ownerOf(this)?.handleSocket('end');
}
function onSocketClose(this: OwnedSocket): void {
  ownerOf(this)?.handleSocket('close');
}
function onTlsSession(this: OwnedSocket, session: Buffer): void {
  ownerOf(this)?.keepTlsSession(session);
}
/** Errors of a socket already torn down (e.g. a late ECONNRESET) are of no interest. */
function ignoreError(): void {}

/** Flags of {@link HttpConnection.send}, combined with `|`. */
export const SendFlags = {
  /** A HEAD request: its response has no body whatever its headers say. */
  Head: 1,
  /** The method is idempotent: it may be retried once after a keep-alive close. */
  Idempotent: 2,
  /** This is already the retry of a request: never retried again. */
  Retry: 4,
} as const;

/** Fields of one in-flight slot in `#slots`. */
const FIELDS = 6;
const QUEUED_AT = 0;
const SEND_START = 1;
const SENT = 2;
const TAG = 3;
const BYTES = 4;
const FLAGS = 5;

enum ConnState {
  Closed,
  Connecting,
  Open,
}

/** A single HTTP/1.1 connection to one target. */
export class HttpConnection implements ResponseParserOwner, LoadConnection {
  /** The parser: read status, headers and body fields in `onResponse`. */
  readonly parser: ResponseParser;
  /** The trail of the request just completed or failed (valid during owner callbacks). */
  readonly trail = new TimingTrail();
  /** The owner's id for this connection (index in its pool). */
  readonly id: number;
  /** Number of requests completed on this connection since it (re)connected. */
  served = 0;
  /** Free for the owner's per-connection data (saves owners a Map keyed by connection). */
  context: unknown = undefined;
  /** The negotiated TLS version (`TLSv1.3`) and IANA cipher-suite name; '' over plain TCP. */
  tlsProtocol = '';
  tlsCipher = '';
  /** The OCSP response the TLS server stapled (with `requestOcsp`), undefined when none. */
  ocspResponse: Buffer | undefined = undefined;

  readonly #target: Target;
  readonly #owner: ConnectionOwner;
  readonly #options: ConnectionOptions;
  readonly #now: () => number;
  #socket: Socket | TLSSocket | null = null;
  #state = ConnState.Closed;
  #connectStart = 0;
  #connectingMs = 0;
  #tlsMs = 0;
  #fresh = false;
  /** The server announced it will close after the response being completed. */
  #closing = false;
  #readAt = 0;
  #firstByteAt = 0;
  /** The first byte of the oldest in-flight request's response has arrived. */
  #responseStarted = false;
  // In-flight ring.
  readonly #size: number;
  #head = 0;
  #count = 0;
  /**
   * In-flight slots, one typed array for all fields (one allocation per connection: 10,000 VUs
   * each own a connection). Slot i uses [i*FIELDS, (i+1)*FIELDS): queuedAt, sendStart, sent, tag,
   * bytes, isHead.
   */
  readonly #slots: Float64Array;
  readonly #onRead: (nread: number, buf: Buffer) => boolean;
  #generation = 0;
  /** The last TLS session the server offered (only with `resumeTlsSessions`). */
  #tlsSession: Buffer | undefined;

  constructor(id: number, target: Target, owner: ConnectionOwner, options: ConnectionOptions) {
    this.id = id;
    this.#target = target;
    this.#owner = owner;
    this.#options = options;
    this.#now = options.now ?? (() => performance.now());
    this.#size = Math.max(1, options.pipelining);
    this.#slots = new Float64Array(this.#size * FIELDS);
    this.parser = new ResponseParser(this);
    this.parser.keepHeaders = options.keepHeaders;
    this.parser.keepBody = options.keepBody;
    this.#onRead = (nread, buf) => {
      this.handleRead(buf, nread);
      return true;
    };
  }

  /** The status code of the response just completed (as `parser.statusCode`). */
  get statusCode(): number {
    return this.parser.statusCode;
  }
  /** True when connected and another request may be sent now. */
  get canSend(): boolean {
    return this.#state === ConnState.Open && this.#count < this.#size && !this.#closing;
  }
  /** True when connected (or connecting). */
  get isOpen(): boolean {
    return this.#state !== ConnState.Closed;
  }
  /** True while the TCP/TLS handshake is running. */
  get isConnecting(): boolean {
    return this.#state === ConnState.Connecting;
  }
  /** Requests in flight. */
  get inFlight(): number {
    return this.#count;
  }
  /** When the oldest in-flight request was sent (or the handshake started); NaN when idle. */
  get oldestStart(): number {
    if (this.#state === ConnState.Connecting) return this.#connectStart;
    return this.#count > 0 ? (this.#slots[this.#head * FIELDS + SEND_START] as number) : Number.NaN;
  }

  /** Opens the socket. Owner hears `onConnectionReady` or failures. */
  connect(): void {
    if (this.#state !== ConnState.Closed) return;
    const generation = this.#begin();
    this.#connectStart = this.#now();
    const t = this.#target;
    let socket: Socket | TLSSocket;
    if (t.protocol === 'https:') {
      // `onread` is passed on to the TLSSocket (node:tls), missing from @types/node's type too.
      const options = {
        host: t.hostname,
        port: t.port,
        servername: t.servername,
        rejectUnauthorized: !this.#options.insecure,
        ALPNProtocols: ['http/1.1'],
        ...(this.#options.requestOcsp ? { requestOCSP: true } : {}),
        secureContext: clientSecureContext(this.#options.tls),
        ...(this.#tlsSession ? { session: this.#tlsSession } : {}),
        onread: { buffer: this.#options.readBuffer, callback: this.#onRead },
      };
      socket = tlsConnect(options as TlsConnectionOptions);
      this.ocspResponse = undefined;
      if (this.#options.requestOcsp) socket.once('OCSPResponse', onOcspResponse);
      socket.once('connect', onTcpUpBeforeTls);
      socket.once('secureConnect', onSecureConnect);
      if (this.#options.resumeTlsSessions) socket.on('session', onTlsSession);
    } else {
      // `onread` is documented for net.connect but missing from @types/node's option type.
      const options = {
        host: t.hostname,
        port: t.port,
        onread: { buffer: this.#options.readBuffer, callback: this.#onRead },
      };
      socket = netConnect(options as unknown as NetConnectOpts);
      socket.once('connect', onTcpConnect);
    }
    socket.setNoDelay(true);
    this.#own(socket, generation);
  }

  /**
   * Takes over `socket`, a TLS socket someone else connected (the scripts' HTTP/2 offer, whose
   * server chose HTTP/1.1 via ALPN): the connection is open at once, without a handshake of its
   * own, and its first request reports `connectingMs` and `tlsMs`, the times of that handshake.
   * The owner hears `onConnectionReady`. The socket's reads must be passed to the returned
   * function (its creator set its `onread`); reads of a socket no longer this connection's are
   * dropped.
   */
  adopt(
    socket: TLSSocket,
    connectingMs: number,
    tlsMs: number,
    ocspResponse: Buffer | undefined,
  ): (buf: Buffer, nread: number) => void {
    if (this.#state !== ConnState.Closed) throw new Error('adopt: the connection is in use');
    const generation = this.#begin();
    this.#connectStart = this.#now() - connectingMs - tlsMs;
    this.#own(socket, generation);
    this.ocspResponse = ocspResponse;
    this.#readTlsInfo(socket);
    this.#connectingMs = connectingMs;
    this.#tlsMs = tlsMs;
    this.#opened();
    return (buf, nread) => {
      if (this.#socket === socket) this.#consume(buf, 0, nread);
    };
  }

  /** @internal The socket generation: events of an older socket are ignored. */
  get generation(): number {
    return this.#generation;
  }

  /** @internal Socket events (shared handlers, see {@link OWNER}). */
  handleSocket(event: 'tcp-up' | 'ready' | 'ready-tls' | 'end' | 'close'): void {
    if (event === 'tcp-up') this.#connectingMs = this.#now() - this.#connectStart;
    else if (event === 'ready') this.#ready(false);
    else if (event === 'ready-tls') {
      this.#readTlsInfo(this.#socket as TLSSocket);
      this.#ready(true);
    } else if (event === 'end') this.#onEnd();
    else this.#onClose();
  }

  /** @internal The server sent a session (ticket) the next socket may resume. */
  keepTlsSession(session: Buffer): void {
    this.#tlsSession = session;
  }

  /**
   * @internal Bytes read from the socket into `buf[0, nread)` (the `onread` callback);
   * bench/micro/connection-hot-path.bench.mjs feeds responses through it without a network.
   */
  handleRead(buf: Buffer, nread: number): void {
    if (this.#socket !== null) this.#consume(buf, 0, nread);
  }

  /** @internal A socket error. */
  handleSocketError(error: unknown): void {
    this.#fail(classifySocketError(error));
  }

  /**
   * Sends one request (must only be called when `canSend`). `flags` are {@link SendFlags};
   * `queuedAt` is when the request became ready (for `blocked`), `tag` any number the owner wants
   * back in the trail.
   */
  send(bytes: Buffer, flags: number, queuedAt: number, tag: number): void {
    const slot = (this.#head + this.#count) % this.#size;
    const start = this.#now();
    this.#count++;
    this.#slots[slot * FIELDS + QUEUED_AT] = queuedAt;
    this.#slots[slot * FIELDS + SEND_START] = start;
    this.#slots[slot * FIELDS + TAG] = tag;
    this.#slots[slot * FIELDS + BYTES] = bytes.length;
    this.#slots[slot * FIELDS + FLAGS] = flags;
    if (this.#count === 1) this.parser.expectNoBody = (flags & SendFlags.Head) !== 0;
    this.#socket!.write(bytes);
    this.#slots[slot * FIELDS + SENT] = this.#now();
  }

  /** Fails the connection with `timeout` when its oldest request (or handshake) began before `limit`. */
  expireBefore(limit: number): void {
    if (this.oldestStart < limit) this.destroy(requestTimeout());
  }

  /** Closes the connection; in-flight requests fail with `error` (or are dropped silently when null). */
  destroy(error: ClassifiedError | null): void {
    if (this.#state === ConnState.Closed) return;
    if (error) this.#fail(error);
    else this.#close(null);
  }

  // ---- parser callbacks ----
  /** @internal */
  onResponseBegin(): void {
    // An interim 1xx response came first: the first byte was already seen (as Go's trace hook).
    if (this.#responseStarted) return;
    this.#responseStarted = true;
    this.#firstByteAt = this.#readAt;
  }
  /** @internal */
  onResponseHead(): void {}
  /** @internal */
  onResponseComplete(): void {
    const slot = this.#head;
    const trail = this.trail;
    // The read that brought the last byte (one clock read per read, not per response: pipelined
    // responses share it; a performance.now() here cost ~15% of this path, bench/micro).
    this.#fillTrail(slot, this.#readAt, true);
    trail.bytesReceived = this.parser.headBytes + this.parser.wireBodyBytes;
    this.#responseStarted = false;
    this.#head = (this.#head + 1) % this.#size;
    this.#count--;
    this.served++;
    const keepAlive = this.parser.keepAlive;
    if (!keepAlive) this.#closing = true;
    if (this.#count > 0)
      this.parser.expectNoBody =
        ((this.#slots[this.#head * FIELDS + FLAGS] as number) & SendFlags.Head) !== 0;
    this.#owner.onResponse(this);
    if (!keepAlive && this.#state !== ConnState.Closed) this.#fail(closedBeforeResponse(), true);
  }

  /**
   * Fills `trail` for the request in `slot`, ending at `end`; `gotBytes` says whether the first
   * byte of its response arrived (at `#firstByteAt`). See the file comment for the definitions.
   */
  #fillTrail(slot: number, end: number, gotBytes: boolean): void {
    const trail = this.trail;
    const base = slot * FIELDS;
    const queuedAt = this.#slots[base + QUEUED_AT] as number;
    const sendStart = this.#slots[base + SEND_START] as number;
    const sent = this.#slots[base + SENT] as number;
    if (this.#fresh) {
      trail.connecting = this.#connectingMs;
      trail.tlsHandshaking = this.#tlsMs;
      this.#fresh = false;
    } else {
      trail.connecting = 0;
      trail.tlsHandshaking = 0;
    }
    trail.setTimes(
      queuedAt,
      sendStart,
      sent,
      this.#firstByteAt,
      gotBytes,
      end,
      this.#slots[base + TAG] as number,
    );
    trail.bytesSent = this.#slots[base + BYTES] as number;
  }

  // ---- socket events ----
  #ready(tls: boolean): void {
    const now = this.#now();
    if (tls) this.#tlsMs = now - this.#connectStart - this.#connectingMs;
    else {
      this.#connectingMs = now - this.#connectStart;
      this.#tlsMs = 0;
    }
    this.#opened();
  }

  /** A new socket's start (connect or adopt): a fresh parser and state; its generation. */
  #begin(): number {
    this.#state = ConnState.Connecting;
    this.parser.reset();
    this.served = 0;
    this.#closing = false;
    return ++this.#generation;
  }

  /** `socket` becomes this connection's (generation `generation`), with the shared handlers. */
  #own(socket: Socket | TLSSocket, generation: number): void {
    (socket as OwnedSocket)[OWNER] = { conn: this, generation };
    socket.on('error', onSocketError);
    socket.on('end', onSocketEnd);
    socket.on('close', onSocketClose);
    this.#socket = socket;
  }

  #readTlsInfo(socket: TLSSocket): void {
    this.tlsProtocol = socket.getProtocol() ?? '';
    this.tlsCipher = socket.getCipher()?.standardName ?? '';
  }

  /** Up: requests may go; the first reports the handshake's times. */
  #opened(): void {
    this.#state = ConnState.Open;
    this.#fresh = true;
    this.#owner.onConnectionReady(this);
  }

  #consume(buf: Buffer, start: number, end: number): void {
    this.#readAt = this.#now();
    if (this.#count === 0 && !this.parser.inResponse) {
      // Bytes nobody asked for (e.g. a server's 408 on an idle connection): drop the connection.
      this.#fail(malformedResponse('unexpected data on an idle connection'));
      return;
    }
    const generation = this.#generation;
    if (!this.parser.execute(buf, start, end) && generation === this.#generation) {
      this.#fail(malformedResponse(this.parser.error));
    }
  }

  #onEnd(): void {
    this.#readAt = this.#now();
    const generation = this.#generation;
    if (this.parser.readsUntilClose && this.#count > 0) this.parser.finish();
    if (generation !== this.#generation) return; // completing the response closed (and maybe reopened) it
    if (this.#count > 0) this.#fail(closedBeforeResponse());
    else this.#close(null);
  }

  #onClose(): void {
    if (this.#state !== ConnState.Closed) {
      if (this.#count > 0 || this.#state === ConnState.Connecting)
        this.#fail(closedBeforeResponse());
      else this.#close(null);
    }
  }

  /**
   * Fails every in-flight request (or the pending connect) with `error`, then closes.
   * `afterCloseHeader` marks a close the server announced (Connection: close): requests
   * pipelined behind that response fail, and the close itself is clean. A close or reset that
   * leaves a request without any byte of its response hands it back for a retry when allowed
   * (see the file comment); a close in the middle of a response is `truncated`.
   */
  #fail(error: ClassifiedError, afterCloseHeader = false): void {
    if (this.#state === ConnState.Closed) return;
    const now = this.#now();
    const wasConnecting = this.#state === ConnState.Connecting;
    this.#state = ConnState.Closed;
    this.#generation++;
    const closeOrReset = error.errorClass === 'closed' || error.errorClass === 'reset';
    // Requests behind the first got no byte; the first did when its response had started.
    let gotBytes = this.#responseStarted;
    const reused = this.served > 0;
    while (this.#count > 0) {
      const slot = this.#head;
      const flags = this.#slots[slot * FIELDS + FLAGS] as number;
      this.#fillTrail(slot, now, gotBytes);
      this.trail.bytesReceived = gotBytes ? this.parser.headBytes + this.parser.wireBodyBytes : 0;
      this.#head = (this.#head + 1) % this.#size;
      this.#count--;
      if (gotBytes) {
        this.#owner.onRequestFailed(
          this,
          error.errorClass === 'closed' ? truncatedResponse() : error,
        );
      } else if (closeOrReset && reused && (flags & SendFlags.Retry) === 0) {
        if ((flags & SendFlags.Idempotent) !== 0) this.#owner.onRequestRetry(this, error);
        else
          this.#owner.onRequestFailed(
            this,
            error.errorClass === 'closed' ? closedNotRetried() : error,
          );
      } else {
        this.#owner.onRequestFailed(this, error);
      }
      gotBytes = false;
    }
    this.#teardownSocket();
    this.#owner.onConnectionClosed(
      this,
      afterCloseHeader && !wasConnecting ? null : error,
      wasConnecting,
    );
  }

  #close(error: ClassifiedError | null): void {
    if (this.#state === ConnState.Closed) return;
    this.#state = ConnState.Closed;
    this.#generation++;
    this.#teardownSocket();
    this.#owner.onConnectionClosed(this, error, false);
  }

  #teardownSocket(): void {
    const socket = this.#socket;
    this.#socket = null;
    this.#head = 0;
    this.#count = 0;
    this.#responseStarted = false;
    this.parser.reset();
    if (socket) {
      socket.removeAllListeners();
      socket.on('error', ignoreError);
      socket.destroy();
    }
  }
}
