/**
 * The opening handshake of a WebSocket session, shared by `k6/ws` and `k6/websockets`: dials with
 * the `ws` package, measures the handshake, and turns every outcome (101, another status, a
 * network error, the VU being interrupted) into one value; it never throws and never hangs past
 * the handshake timeout or the VU's interruption.
 */
import type { IncomingMessage } from 'node:http';
import { isIP, type NetConnectOpts, connect as netConnect, type Socket } from 'node:net';
import { type ConnectionOptions, connect as tlsConnect } from 'node:tls';
import WebSocket from 'ws';
import { httpSettings } from '../vu-http/http-settings.js';
import type { WireBytes } from '../vu-http/wire-bytes.js';
import { canonicalHeaders } from './ws-metrics.js';

/** k6's handshake timeout (not configurable in k6 either). */
export const WS_HANDSHAKE_TIMEOUT_MS = 60_000;
/** Largest response body kept from a refused handshake. */
const MAX_BODY = 64 * 1024;

/** What the caller asks for. */
export interface HandshakeOptions {
  headers: Record<string, string>;
  /** `Sec-WebSocket-Protocol` offers. */
  protocols?: string[];
  /** permessage-deflate (k6: `compression: 'deflate'`). */
  compression: boolean;
  /** Aborted when the VU is interrupted. */
  signal: AbortSignal;
  /** Where the connection's TCP bytes are counted (the VU's `data_sent`/`data_received`). */
  wire: WireBytes;
}

/** The outcome of a handshake. */
export interface HandshakeResult {
  /** The open socket, paused (call `resume()` once listening); undefined when the handshake failed. */
  socket: WebSocket | undefined;
  /** The TCP socket dialed (counted in the VU's `wire`), below TLS for wss://; undefined if none. */
  tcp: Socket | undefined;
  /** HTTP status of the handshake response (101 on success), 0 without a response. */
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Negotiated subprotocol ('' when none). */
  subprotocol: string;
  /** Why the handshake failed ('' on success). */
  error: string;
  startedAt: number;
  connectedAt: number;
}

/** Dials `url` and waits for the end of the opening handshake. */
export function handshake(url: string, options: HandshakeOptions): Promise<HandshakeResult> {
  const startedAt = performance.now();
  return new Promise<HandshakeResult>((resolve) => {
    let settled = false;
    let status = 0;
    let headers: Record<string, string> = {};
    let tcp: Socket | undefined;
    const finish = (result: Partial<HandshakeResult>): void => {
      if (settled) return;
      settled = true;
      options.signal.removeEventListener('abort', onAbort);
      resolve({
        socket: undefined,
        tcp,
        status,
        headers,
        body: '',
        subprotocol: '',
        error: '',
        startedAt,
        connectedAt: performance.now(),
        ...result,
      });
    };
    let socket: WebSocket;
    try {
      socket = new WebSocket(url, options.protocols ?? [], {
        headers: options.headers,
        perMessageDeflate: options.compression,
        handshakeTimeout: WS_HANDSHAKE_TIMEOUT_MS,
        rejectUnauthorized: !httpSettings.insecure,
        followRedirects: false,
        // The `ws` package passes its TCP/TLS options (host, port, servername, TLS settings).
        // (typed as net.createConnection's overloads; `ws` only ever calls it with options).
        createConnection: ((connectOptions: NetConnectOpts) =>
          dial(
            connectOptions as ConnectionOptions & { host: string; port: number },
            url,
            options.wire,
            (dialed) => {
              tcp = dialed;
            },
          )) as typeof netConnect,
      });
    } catch (error) {
      finish({ error: error instanceof Error ? error.message : String(error) });
      return;
    }
    const onAbort = (): void => {
      socket.terminate();
      finish({ error: 'interrupted: the VU was stopped during the WebSocket handshake' });
    };
    if (options.signal.aborted) {
      onAbort();
      return;
    }
    options.signal.addEventListener('abort', onAbort, { once: true });
    socket.once('upgrade', (response: IncomingMessage) => {
      status = response.statusCode ?? 101;
      headers = canonicalHeaders(response.headers);
    });
    socket.once('open', () => {
      // Frames that came with the handshake response are emitted right after 'open': hold
      // them until the session attached its listeners (the caller resumes the socket).
      socket.pause();
      finish({ socket, subprotocol: socket.protocol });
    });
    socket.once('unexpected-response', (request, response: IncomingMessage) => {
      status = response.statusCode ?? 0;
      headers = canonicalHeaders(response.headers);
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        if (size < MAX_BODY) chunks.push(chunk);
        size += chunk.length;
      });
      const done = (): void => {
        request.destroy();
        finish({
          body: Buffer.concat(chunks).subarray(0, MAX_BODY).toString('utf8'),
          error: `websocket: bad handshake (HTTP ${status})`,
        });
      };
      response.once('end', done);
      response.once('error', done);
      response.once('aborted', done);
    });
    socket.on('error', (error: Error) => {
      finish({ error: error.message });
    });
  });
}

/**
 * Opens the session's TCP connection (and TLS over it for wss://) the way the `ws` package does,
 * but from a TCP socket of its own, so that the bytes on the wire (TLS records included) are
 * counted, as k6's dialer counts them.
 */
function dial(
  options: ConnectionOptions & { host: string; port: number },
  url: string,
  wire: WireBytes,
  dialed: (tcp: Socket) => void,
): Socket {
  const tcp = netConnect({ host: options.host, port: options.port });
  wire.track(tcp);
  dialed(tcp);
  if (!url.startsWith('wss:')) return tcp;
  const servername = options.servername ?? (isIP(options.host) ? '' : options.host);
  return tlsConnect({ ...options, path: undefined, servername, socket: tcp });
}
