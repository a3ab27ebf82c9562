/**
 * What a load generator needs from one connection slot, whatever the protocol: the HTTP/1.1
 * {@link HttpConnection} (connection.ts) and the HTTP/2 {@link Http2Connection}
 * (h2-connection.ts) both provide it, so quick mode runs either through the same metrics path.
 */
import type { ClassifiedError } from './errors.js';
import type { TimingTrail } from './timing-trail.js';

/** One connection slot of a load generator (see the file comment). */
export interface LoadConnection {
  /** The owner's id for this connection (index in its pool). */
  readonly id: number;
  /** The trail of the request just completed or failed (valid during owner callbacks). */
  readonly trail: TimingTrail;
  /** The status code of the response just completed (valid in `onResponse`). */
  readonly statusCode: number;
  /** True when connected and another request may be sent now. */
  readonly canSend: boolean;
  /** True when connected (or connecting). */
  readonly isOpen: boolean;
  /** True while the TCP/TLS handshake is running. */
  readonly isConnecting: boolean;
  /** Opens the connection; the owner hears `onConnectionReady` or failures. */
  connect(): void;
  /**
   * Sends one request (only when `canSend`). HTTP/1.1 writes `bytes`; HTTP/2 sends the request
   * it was built with (quick mode sends one request shape) and ignores them.
   */
  send(bytes: Buffer, flags: number, queuedAt: number, tag: number): void;
  /** Closes the connection; in-flight requests fail with `error` (or are dropped when null). */
  destroy(error: ClassifiedError | null): void;
  /**
   * Fails, with the `timeout` class, what started before `limit` and is still unanswered
   * (requests, or the connection handshake).
   */
  expireBefore(limit: number): void;
}
