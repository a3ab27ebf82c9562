/**
 * HTTP/2 test servers on real node:http2 sockets (127.0.0.1, port 0): well-behaved (TLS with a
 * fresh self-signed certificate, or cleartext h2c) and hostile (GOAWAY mid-run, RST_STREAM,
 * never answering). `count()` is the number of streams the server received; `sessions()` the
 * number of connections it accepted.
 */
import {
  constants,
  createSecureServer,
  createServer,
  type Http2Server,
  type Http2Session,
  type ServerHttp2Stream,
} from 'node:http2';
import type { Socket } from 'node:net';
import { selfSignedCertificate as selfSignedEc } from './certificates.js';

/** How the server treats streams. */
export type H2Behaviour =
  /** Answers 200 `hello h2` at once. */
  | 'ok'
  /**
   * On each of the first `goawaySessions` sessions: when its `goawayAfter`-th stream arrives,
   * sends GOAWAY (code `goawayCode`) naming the stream before it as the last processed; the
   * processed ones are answered 20 ms later, the rest never are (the client must retry them).
   */
  | 'goaway'
  /** Resets every `every`-th stream with RST_STREAM CANCEL before any response. */
  | 'rst'
  /** Accepts streams and never answers. */
  | 'hang';

/** Options of {@link startH2Server}. */
export interface H2ServerOptions {
  tls?: boolean;
  behaviour?: H2Behaviour;
  every?: number;
  goawayAfter?: number;
  goawaySessions?: number;
  goawayCode?: number;
  /** SETTINGS_MAX_CONCURRENT_STREAMS the server announces. */
  maxStreams?: number;
  /** Behaviour `ok`: answer each stream this many ms after it arrived (default at once). */
  delayMs?: number;
  /** Trailer fields sent after each `ok` answer's body (a HEADERS frame that ends the stream). */
  trailers?: Record<string, string>;
}

/** A started HTTP/2 server. */
export interface H2TestServer {
  url: string;
  port: number;
  /** Streams received. */
  count(): number;
  /** Connections (sessions) that sent at least one stream (preflight checks send none). */
  sessions(): number;
  /** Streams reset by the server (behaviour `rst`). */
  resets(): number;
  /** Most streams open at once on the server. */
  maxInFlight(): number;
  close(): Promise<void>;
}

/** A fresh self-signed certificate for CN=localhost (EC key). */
export function selfSignedCertificate(): { key: Buffer; cert: Buffer } {
  return selfSignedEc({ ec: true });
}

/** Starts an HTTP/2 server with `options.behaviour` (default `ok`). */
export async function startH2Server(options: H2ServerOptions = {}): Promise<H2TestServer> {
  const behaviour = options.behaviour ?? 'ok';
  const settings = options.maxStreams ? { maxConcurrentStreams: options.maxStreams } : {};
  const server: Http2Server = options.tls
    ? createSecureServer({ ...selfSignedCertificate(), allowHTTP1: false, settings })
    : createServer({ settings });
  let inFlight = 0;
  let maxInFlight = 0;
  let streams = 0;
  let sessionCount = 0;
  let resets = 0;
  const sockets = new Set<Socket>();
  const perSession = new WeakMap<Http2Session, { n: number; lastId: number; index: number }>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('secureConnection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('session', (session: Http2Session) => {
    session.on('error', () => {});
    perSession.set(session, { n: 0, lastId: 0, index: -1 });
  });
  server.on('stream', (stream: ServerHttp2Stream) => {
    streams++;
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    stream.on('close', () => inFlight--);
    const own = perSession.get(stream.session!)!;
    if (own.index === -1) own.index = sessionCount++;
    stream.on('error', () => {});
    const answer = () => {
      if (stream.destroyed || stream.closed) return;
      const trailers = options.trailers;
      stream.respond(
        { ':status': 200, 'content-type': 'text/plain' },
        trailers ? { waitForTrailers: true } : {},
      );
      if (trailers) stream.once('wantTrailers', () => stream.sendTrailers(trailers));
      stream.end('hello h2');
    };
    switch (behaviour) {
      case 'ok':
        if (options.delayMs) return void setTimeout(answer, options.delayMs);
        return answer();
      case 'hang':
        return;
      case 'rst':
        if (streams % (options.every ?? 3) === 0) {
          resets++;
          stream.close(constants.NGHTTP2_CANCEL);
        } else answer();
        return;
      case 'goaway': {
        const session = stream.session!;
        const state = perSession.get(session)!;
        state.n++;
        if (state.index >= (options.goawaySessions ?? 2)) return answer();
        if (state.n < (options.goawayAfter ?? 3)) {
          state.lastId = stream.id!;
          setTimeout(answer, 20);
          return;
        }
        if (state.n === (options.goawayAfter ?? 3)) {
          const last = state.lastId;
          setImmediate(() => {
            if (!session.destroyed) session.goaway(options.goawayCode ?? 0, last);
          });
        }
        // Above the last processed stream: never answered (the client must not lose it).
        return;
      }
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    count: () => streams,
    sessions: () => sessionCount,
    resets: () => resets,
    maxInFlight: () => maxInFlight,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
