/**
 * The bytes on the wire of a VU's WebSocket and gRPC connections, counted into `data_sent` /
 * `data_received` as k6 counts them: k6's dialer wraps every TCP connection a VU dials and adds
 * what each read and write moved (below TLS, so TLS records and handshakes count), and the VU
 * reports the sums at the end of each iteration. Here the TCP socket's own counters
 * (`bytesWritten` / `bytesRead`, which keep counting once TLS or an HTTP/2 session took over the
 * socket) are read when the iteration ends and when the socket closes: no per-message or per-call
 * work, two counter reads per connection and iteration. setup() and teardown() report theirs when
 * the function ends (its background work included), as k6 does.
 */
import type { Socket } from 'node:net';
import type { NetworkSeries } from './series-cache.js';

/** What a tracked socket had already counted. */
interface Seen {
  sent: number;
  received: number;
  /** Bytes read past this count are not counted (see {@link WireBytes.stopReceiving}). */
  receivedCap: number;
}

/** The tracked TCP sockets of one VU (its HTTP requests count their bytes per request). */
export class WireBytes {
  readonly #network: () => NetworkSeries;
  readonly #sockets = new Map<Socket, Seen>();

  /** `network`: the VU's current `data_sent` / `data_received` series. */
  constructor(network: () => NetworkSeries) {
    this.#network = network;
  }

  /** Counts `socket`'s bytes (from its first) until it closes. */
  track(socket: Socket): void {
    const seen: Seen = { sent: 0, received: 0, receivedCap: Number.POSITIVE_INFINITY };
    this.#sockets.set(socket, seen);
    socket.once('close', () => {
      if (this.#sockets.get(socket) !== seen) return;
      this.#count(socket, seen);
      this.#sockets.delete(socket);
    });
  }

  /** Records what the tracked sockets moved since the last flush (end of an iteration). */
  flush(): void {
    if (this.#sockets.size === 0) return;
    for (const [socket, seen] of this.#sockets) {
      this.#count(socket, seen);
      if (socket.destroyed) this.#sockets.delete(socket);
    }
  }

  /**
   * Counts no byte `socket` reads from now on (what it sends still counts): k6's `k6/ws` closes
   * the TCP connection right after its close frame, so it never reads the peer's answer.
   */
  stopReceiving(socket: Socket): void {
    const seen = this.#sockets.get(socket);
    if (seen !== undefined) seen.receivedCap = Math.min(seen.receivedCap, socket.bytesRead);
  }

  /**
   * Records what the tracked sockets moved and stops counting them: the VU is done for good. k6's
   * setup() and teardown() VU reports its dialer's bytes once, when the function ends; what its
   * connections (never closed, say) move afterwards is never reported.
   */
  end(): void {
    this.flush();
    this.#sockets.clear();
  }

  #count(socket: Socket, seen: Seen): void {
    const sent = socket.bytesWritten - seen.sent;
    const received = Math.min(socket.bytesRead, seen.receivedCap) - seen.received;
    if (sent <= 0 && received <= 0) return;
    seen.sent += sent;
    seen.received += received;
    const net = this.#network();
    if (sent > 0) net.sent.add(sent);
    if (received > 0) net.received.add(received);
  }
}
