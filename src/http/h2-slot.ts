/**
 * What both HTTP/2 quick-mode clients share: the connection slot's bookkeeping around their own
 * framing. h2-connection.ts (node:http2) and h2-fast-connection.ts (own framing) extend
 * {@link Http2Slot}; this file holds the rules they must agree on, so they cannot drift apart:
 *
 * - a slot has one active session and, after a GOAWAY, draining sessions whose streams still
 *   report here (`canSend`, `isOpen`, `isConnecting`, `inFlight` read them);
 * - `destroy` fails every stream of every session; `expireBefore` times out a connect that takes
 *   too long, else the streams sent before the limit;
 * - a stream the server never processed (above a GOAWAY's last-stream-id) is handed back for a
 *   retry, or fails as `reset` REFUSED_STREAM when it already is one;
 * - a session that dies fails its streams with its failure, else `truncated` (response begun)
 *   or `closed`;
 * - a request's trail: connect timings on the session's first answered stream, k6 stream
 *   timings (`TimingTrail.setTimes`), bytes since the previous request on the session.
 *
 * Per-request work stays in the subclasses; the helpers here allocate nothing per request.
 */

import type { OutgoingHttpHeaders } from 'node:http2';
import { type NetConnectOpts, connect as netConnect, type Socket } from 'node:net';
import {
  type TLSSocket,
  type ConnectionOptions as TlsConnectionOptions,
  connect as tlsConnect,
} from 'node:tls';
import { type ConnectionOwner, SendFlags } from './connection.js';
import {
  type ClassifiedError,
  closedBeforeResponse,
  http2NotNegotiated,
  http2StreamReset,
  requestTimeout,
  truncatedResponse,
} from './errors.js';
import type { LoadConnection } from './load-connection.js';
import { type ClientTlsOptions, clientSecureContext } from './secure-context.js';
import type { Target } from './target.js';
import { TimingTrail } from './timing-trail.js';

/** The fixed request an HTTP/2 connection sends (quick mode sends one request shape). */
export interface Http2RequestShape {
  /** Pseudo-headers and headers, lower-case names (see `http2Headers` in h2-connection.ts). */
  headers: OutgoingHttpHeaders;
  /** Request body, or null. */
  body: Uint8Array | null;
}

/** Options of an HTTP/2 connection (both clients). */
export interface Http2ConnectionOptions {
  /** Concurrent streams per connection. */
  streams: number;
  /** Skip TLS certificate verification. */
  insecure: boolean;
  /** `h2` over TLS (ALPN) or `h2c` (cleartext, prior knowledge). */
  mode: 'h2' | 'h2c';
  /**
   * TLS versions, ciphers, client certificate (`h2`): connections with the same set share one
   * SecureContext (secure-context.ts), as HTTP/1.1 connections do. Undefined: node's defaults.
   */
  tls?: ClientTlsOptions;
  request: Http2RequestShape;
  /**
   * Shared read buffer (`onread`, one per thread): the lean client (h2-fast-connection.ts) reads
   * into it; node:http2 ignores it. Without it the lean client allocates its own.
   */
  readBuffer?: Buffer;
  /** Clock in ms (performance.now by default). */
  now?: () => number;
}

/** The `onread` option of node:net / node:tls: reads go into one reused buffer. */
export interface SocketOnRead {
  buffer: Buffer;
  callback: (nread: number, buf: Buffer) => boolean;
}

/** What the slot reads of a session (a connection generation); each client adds its own state. */
export interface SlotSession {
  socket: Socket | TLSSocket;
  /** The streams in flight (a Set or a Map: only the count is read here). */
  flights: { readonly size: number };
  /** The server's first SETTINGS arrived: streams may be opened. */
  ready: boolean;
  /** Streams allowed at once: `--streams`, capped by the server's SETTINGS_MAX_CONCURRENT_STREAMS. */
  maxStreams: number;
  /** A GOAWAY arrived (or stream ids ran out): no new stream; the remaining ones drain. */
  draining: boolean;
  dead: boolean;
  connectStart: number;
  connectingMs: number;
  tlsMs: number;
  /** No answered stream has reported the connect timings yet. */
  fresh: boolean;
  /** Why the session failed (socket error, GOAWAY with an error code), when known. */
  failure: ClassifiedError | null;
  /** Socket octet totals already attributed to a request. */
  bytesRead: number;
  bytesWritten: number;
}

/** When a stream's request was queued, started, answered (HTTP/2: for {@link Http2Slot.fillTrail}). */
export interface StreamTimes {
  queuedAt: number;
  sendStart: number;
  /** When the response headers arrived; 0 when none did. */
  firstByteAt: number;
  tag: number;
}

/**
 * The HTTP/2 connection slot both clients extend; see the file comment. `C` is the subclass (the
 * owner's callbacks receive it).
 */
export abstract class Http2Slot<S extends SlotSession, C extends LoadConnection>
  implements LoadConnection
{
  readonly id: number;
  readonly trail = new TimingTrail();
  /** The negotiated TLS version and IANA cipher-suite name; '' for h2c. */
  tlsProtocol = '';
  tlsCipher = '';
  /** The status of the last answered request. */
  protected lastStatus = 0;
  protected readonly target: Target;
  protected readonly owner: ConnectionOwner<C>;
  protected readonly options: Http2ConnectionOptions;
  protected readonly clock: () => number;
  /** The session new streams go to, or null (connection closed or being replaced). */
  protected active: S | null = null;
  /** Sessions draining after a GOAWAY: no new streams, their streams still report here. */
  protected readonly draining = new Set<S>();

  constructor(
    id: number,
    target: Target,
    owner: ConnectionOwner<C>,
    options: Http2ConnectionOptions,
  ) {
    this.id = id;
    this.target = target;
    this.owner = owner;
    this.options = options;
    this.clock = options.now ?? (() => performance.now());
  }

  abstract connect(): void;
  abstract send(bytes: Buffer, flags: number, queuedAt: number, tag: number): void;
  /** Fails the session's streams with `error` (silently when null) and tears it down. */
  protected abstract killSession(s: S, error: ClassifiedError | null): void;
  /** Times out the session's streams sent before `limit`, cancelling each on the wire. */
  protected abstract expireStreams(s: S, limit: number): void;

  get statusCode(): number {
    return this.lastStatus;
  }
  get canSend(): boolean {
    const s = this.active;
    if (s === null) return false;
    // Not while a dying session reports its streams (their owner may try to send from there).
    return s.ready && !s.draining && !s.dead && s.flights.size < s.maxStreams;
  }
  get isOpen(): boolean {
    return this.active !== null;
  }
  get isConnecting(): boolean {
    return this.active !== null && !this.active.ready;
  }
  /** Streams in flight on this slot (the current session and any draining after a GOAWAY). */
  get inFlight(): number {
    let n = this.active?.flights.size ?? 0;
    for (const s of this.draining) n += s.flights.size;
    return n;
  }

  destroy(error: ClassifiedError | null): void {
    const active = this.active;
    for (const s of [...this.draining, ...(active ? [active] : [])]) this.killSession(s, error);
    this.draining.clear();
    if (active !== null) {
      this.active = null;
      this.owner.onConnectionClosed(this as unknown as C, error, !active.ready);
    }
  }

  expireBefore(limit: number): void {
    const active = this.active;
    if (active !== null && !active.ready) {
      if (active.connectStart < limit) this.destroy(requestTimeout());
      return;
    }
    const sessions = active ? [active, ...this.draining] : [...this.draining];
    for (const s of sessions) this.expireStreams(s, limit);
  }

  /** The slot's part of a new session on `socket` (its flights are the client's). */
  protected newSession(
    socket: Socket | TLSSocket,
    connectStart: number,
  ): Omit<SlotSession, 'flights'> {
    return {
      socket,
      ready: false,
      maxStreams: this.options.streams,
      draining: false,
      dead: false,
      connectStart,
      connectingMs: 0,
      tlsMs: 0,
      fresh: true,
      failure: null,
      bytesRead: 0,
      bytesWritten: 0,
    };
  }

  /** Opens the TCP or TLS (ALPN `h2` only) socket to the target; `onread` when given. */
  protected openSocket(onread?: SocketOnRead): Socket | TLSSocket {
    const t = this.target;
    const read = onread === undefined ? {} : { onread };
    const socket =
      this.options.mode === 'h2'
        ? tlsConnect({
            host: t.hostname,
            port: t.port,
            servername: t.servername,
            rejectUnauthorized: !this.options.insecure,
            ALPNProtocols: ['h2'],
            // Shared per option set: no SSL_CTX (root certificates) built per connection.
            secureContext: clientSecureContext(this.options.tls),
            ...read,
          } as TlsConnectionOptions)
        : netConnect({ host: t.hostname, port: t.port, ...read } as unknown as NetConnectOpts);
    socket.setNoDelay(true);
    return socket;
  }

  /**
   * The TLS handshake of `s` finished: records its time and parameters. False (with the
   * session's failure set) when the server did not agree to `h2`.
   */
  protected tlsConnected(s: S, tls: TLSSocket): boolean {
    s.tlsMs = this.clock() - s.connectStart - s.connectingMs;
    this.tlsProtocol = tls.getProtocol() ?? '';
    this.tlsCipher = tls.getCipher()?.standardName ?? '';
    if (tls.alpnProtocol === 'h2') return true;
    s.failure = http2NotNegotiated(tls.alpnProtocol || '');
    return false;
  }

  /** A stream the server never processed (GOAWAY): handed back for a retry, or failed. */
  protected refuseStream(flags: number): void {
    const refused = http2StreamReset(REFUSED_STREAM);
    if ((flags & SendFlags.Retry) === 0) this.owner.onRequestRetry(this as unknown as C, refused);
    else this.owner.onRequestFailed(this as unknown as C, refused);
  }

  /**
   * The active session `s` takes no new stream: the slot lets go of it (draining it when `drain`,
   * else killing it with `error`) and tells the owner to reconnect.
   */
  protected retireActive(s: S, drain: boolean, error: ClassifiedError | null): void {
    this.active = null;
    if (drain) this.draining.add(s);
    else this.killSession(s, error);
    this.owner.onConnectionClosed(this as unknown as C, null, false);
  }

  /** Session `s` is gone (its streams already reported): forgotten; the owner told if active. */
  protected sessionGone(s: S): void {
    this.draining.delete(s);
    if (s === this.active) {
      this.active = null;
      const duringConnect = !s.ready;
      this.owner.onConnectionClosed(
        this as unknown as C,
        s.failure ?? (duringConnect ? closedBeforeResponse() : null),
        duringConnect,
      );
    }
  }

  /** Reports a request's outcome (trail filled): answered with `status` when `error` is null. */
  protected reportOutcome(status: number, error: ClassifiedError | null): void {
    if (error === null) {
      this.lastStatus = status;
      this.owner.onResponse(this as unknown as C);
    } else {
      this.owner.onRequestFailed(this as unknown as C, error);
    }
  }

  /**
   * Fills the trail for a stream of `s` ending at `end`: connect timings on the session's first
   * answered stream, stream timings, and the octets `read`/`written` since the last request.
   */
  protected fillTrail(
    s: S,
    flight: StreamTimes,
    sent: number,
    end: number,
    read: number,
    written: number,
  ): void {
    const trail = this.trail;
    if (s.fresh && s.ready) {
      trail.connecting = s.connectingMs;
      trail.tlsHandshaking = s.tlsMs;
      s.fresh = false;
    } else {
      trail.connecting = 0;
      trail.tlsHandshaking = 0;
    }
    const first = flight.firstByteAt;
    trail.setTimes(flight.queuedAt, flight.sendStart, sent, first, first > 0, end, flight.tag);
    trail.bytesReceived = read - s.bytesRead;
    trail.bytesSent = written - s.bytesWritten;
    s.bytesRead = read;
    s.bytesWritten = written;
  }
}

/** RST_STREAM / GOAWAY code REFUSED_STREAM (RFC 9113 §7). */
const REFUSED_STREAM = 0x7;

/** Why a stream of a dead session failed: its failure, else `truncated` or `closed`. */
export function sessionFailure(s: SlotSession, firstByteAt: number): ClassifiedError {
  if (s.failure !== null) return s.failure;
  return firstByteAt > 0 ? truncatedResponse() : closedBeforeResponse();
}
