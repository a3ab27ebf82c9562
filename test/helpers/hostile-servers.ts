/**
 * Hostile HTTP/1.1 servers on real sockets (127.0.0.1, port 0): the ways a target can refuse to
 * give a load tester a clean answer. Each behaviour answers every request head it reads, so
 * `count()` is the number of requests that reached the server.
 */
import type { Socket } from 'node:net';
import { startRawServer, type TestServer } from './servers.js';

/** The behaviours a hostile server can have. */
export type HostileKind =
  | 'hung'
  | 'chunked-forever'
  | 'close-after-response'
  | 'close-on-reuse'
  | 'garbage'
  | 'slowloris'
  | 'reset-mid-body'
  | 'status-999';

/** A small valid response (40 bytes). */
export const OK_RESPONSE = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';

/** Options of the behaviours that take time. */
export interface HostileOptions {
  /** chunked-forever: ms between chunks; slowloris: ms between bytes. Default 20. */
  intervalMs?: number;
  /** reset-mid-body: reset every n-th request only (1 = every request). Default 1. */
  every?: number;
}

/** Repeats `tick` every `ms` until the socket closes. */
function repeat(socket: Socket, ms: number, tick: () => boolean | undefined): void {
  const timer = setInterval(() => {
    if (socket.destroyed || tick() === false) clearInterval(timer);
  }, ms);
  socket.once('close', () => clearInterval(timer));
}

function handler(kind: HostileKind, options: HostileOptions): (socket: Socket, n: number) => void {
  const interval = options.intervalMs ?? 20;
  switch (kind) {
    case 'hung':
      // Accepts and reads, never answers.
      return () => {};
    case 'chunked-forever':
      return (socket) => {
        socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n');
        repeat(socket, interval, () => void socket.write('5\r\nhello\r\n'));
      };
    case 'close-after-response':
      // Legal (RFC 9112 §9.3): a server may close an idle persistent connection at any time;
      // this one closes right after each response, without announcing `Connection: close`.
      return (socket) => {
        if (!socket.writableEnded) socket.end(OK_RESPONSE);
      };
    case 'close-on-reuse': {
      // Also legal (RFC 9112 §9.3.1): answers the first request of a connection and keeps it
      // open, then closes it, unanswered, when a second request arrives on it. Unlike
      // close-after-response, the client cannot see the close coming: a request sent on a reused
      // connection meets it every time, whatever the timing, so retries (idempotent) and
      // `closed` failures (POST) are certain, not a race with the FIN.
      const served = new WeakSet<Socket>();
      return (socket) => {
        if (served.has(socket)) return void socket.destroy();
        served.add(socket);
        socket.write(OK_RESPONSE);
      };
    }
    case 'garbage':
      // Not HTTP, and no blank line ever: must fail as malformed at once, not time out.
      return (socket) => void socket.write('SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n');
    case 'slowloris':
      // A valid response, one byte per interval.
      return (socket) => {
        let at = 0;
        repeat(socket, interval, () => {
          socket.write(OK_RESPONSE.slice(at, at + 1));
          at++;
          return at < OK_RESPONSE.length;
        });
      };
    case 'reset-mid-body':
      return (socket, n) => {
        if (n % (options.every ?? 1) !== 0) return void socket.write(OK_RESPONSE);
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial');
        // Once the bytes are out, a RST (resetting with the write still queued sends a FIN).
        setTimeout(() => socket.resetAndDestroy(), 20);
      };
    case 'status-999':
      return (socket) =>
        void socket.write('HTTP/1.1 999 Request denied\r\nContent-Length: 2\r\n\r\nno');
  }
}

/** Starts a server with the given hostile behaviour. */
export function startHostileServer(
  kind: HostileKind,
  options: HostileOptions = {},
): Promise<TestServer> {
  return startRawServer(handler(kind, options));
}
