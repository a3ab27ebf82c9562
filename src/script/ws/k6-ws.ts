/**
 * k6's `k6/ws` API: `ws.connect(url, params, fn)` opens a session, calls `fn(socket)` to register
 * handlers, fires `open`, then runs the session's events until it closes; the call (awaited by
 * the k6 transform) resolves with the handshake response when the session is over.
 *
 * Semantics follow k6 (`js/modules/k6/ws`): `ws_sessions` and `ws_connecting` are recorded even
 * when the handshake fails; a refused handshake returns its status and body (no throw); the
 * session ends when the script calls `close()`, the server closes (an abnormal code also fires
 * `error`), the connection breaks, or the VU is interrupted (close code 1001). `close()` sends
 * the close frame and ends the session at once, as k6 does: a peer that never answers the close
 * handshake cannot hold the VU (its socket is destroyed after {@link CLOSE_LINGER_MS}); nothing
 * read after the close frame is counted in `data_received` (k6 closes the TCP connection there).
 * Differences, documented in docs/k6-compatibility.md: `ws_msgs_sent` counts only messages
 * actually handed to an open socket; `params.jar` is not sent.
 */
import type WebSocket from 'ws';
import type { Tags } from '../../metrics/metric-types.js';
import { contextTags } from '../api/sample-tags.js';
import { threadRuntime } from '../runtime/thread-runtime.js';
import { IterationAbort, requireVu } from '../runtime/vu-state.js';
import { httpSettings } from '../vu-http/http-settings.js';
import { handshake } from './handshake.js';
import { WsSessionMetrics } from './ws-metrics.js';

/** How long a socket we closed may wait for the peer's close frame before it is destroyed. */
export const CLOSE_LINGER_MS = 1_000;
const GOING_AWAY = 1001;
/** `ws` send options, shared: one object per frame kind, not one per message. */
const TEXT_FRAME = { binary: false } as const;
const BINARY_FRAME = { binary: true } as const;

/** `ws.connect()` parameters (k6). */
export interface WsConnectParams {
  headers?: Record<string, string | number | boolean>;
  tags?: Record<string, string>;
  compression?: string;
  jar?: unknown;
}

/** What `ws.connect()` returns (k6's `HTTPResponse` of the handshake). */
export interface WsResponse {
  url: string;
  status: number;
  headers: Record<string, string>;
  body: string;
  error: string;
}

/** The error value handlers receive: `e.error()` returns the message, as in k6. */
export class WsError extends Error {
  override readonly name = 'WsError';
  /** The message (k6 scripts call `e.error()`). */
  error(): string {
    return this.message;
  }
}

type Handler = (...args: unknown[]) => unknown;
type SetupFn = (socket: Socket) => unknown;

/** The socket handed to `ws.connect()`'s callback. */
export class Socket {
  readonly #ws: WebSocket;
  readonly #metrics: WsSessionMetrics;
  readonly #handlers = new Map<string, Handler[]>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #pings = new Map<string, number>();
  #pingCounter = 0;
  #closed = false;
  #errorFired = false;
  #finish: (error?: unknown) => void = () => {};
  /**
   * Set while a handler that returned a promise (it makes blocking calls, so the k6 transform
   * made it async) runs: later handler calls wait for it, as k6's event loop waits for a handler.
   */
  #pending: Promise<void> | undefined;
  /** The first exception of a handler (ends the session; `connect()` throws it). */
  #failure: { error: unknown } | undefined;

  /** Called when the session sends its close frame (the peer's answer is not counted). */
  readonly #closing: () => void;

  /** @internal Created by {@link connect}. */
  constructor(ws: WebSocket, metrics: WsSessionMetrics, closing: () => void = noop) {
    this.#ws = ws;
    this.#metrics = metrics;
    this.#closing = closing;
  }

  /** Adds a handler for `open`, `message`, `binaryMessage`, `ping`, `pong`, `close` or `error`. */
  on(event: string, handler: unknown): void {
    if (typeof handler !== 'function') return;
    const list = this.#handlers.get(event);
    if (list) list.push(handler as Handler);
    else this.#handlers.set(event, [handler as Handler]);
  }

  /** Sends a text message. */
  send(message: unknown): void {
    this.#write(String(message), false);
  }

  /** Sends a binary message (an ArrayBuffer, as k6 requires). */
  sendBinary(message: unknown): void {
    if (!(message instanceof ArrayBuffer)) {
      const type =
        message === null || message === undefined
          ? String(message)
          : ((message as object).constructor?.name ?? typeof message);
      throw new TypeError(`expected ArrayBuffer as argument, received: ${type}`);
    }
    this.#write(Buffer.from(message), true);
  }

  /** Sends a ping; the pong's delay is recorded in `ws_ping`. */
  ping(): void {
    if (this.#closed || this.#ws.readyState !== this.#ws.OPEN) {
      this.#emitError(new WsError('websocket: ping on a closed connection'));
      return;
    }
    const id = String(this.#pingCounter++);
    this.#pings.set(id, performance.now());
    this.#ws.ping(id);
  }

  /** Runs `fn` once after `ms` (> 0) milliseconds, unless the session ended before. */
  setTimeout(fn: unknown, ms: number): void {
    this.#schedule(fn, ms, false, 'setTimeout');
  }

  /** Runs `fn` every `ms` (> 0) milliseconds until the session ends. */
  setInterval(fn: unknown, ms: number): void {
    this.#schedule(fn, ms, true, 'setInterval');
  }

  /** Closes the session with `code` (default 1001, as k6): close frame, `close` event, done. */
  close(code?: number): void {
    this.#closeWith(code === undefined ? GOING_AWAY : Math.trunc(Number(code)));
  }

  /** @internal Runs the session until it ends; rejects with a handler's exception. */
  run(setup: SetupFn, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let done = false;
      const onAbort = (): void => this.#closeWith(GOING_AWAY);
      this.#finish = (error?: unknown): void => {
        if (done) return;
        done = true;
        this.#closed = true;
        for (const timer of this.#timers) clearTimeout(timer);
        this.#timers.clear();
        signal.removeEventListener('abort', onAbort);
        this.#metrics.end();
        if (error !== undefined) {
          reject(error);
          return;
        }
        const settle = (): void => {
          if (this.#failure) reject(this.#failure.error);
          else resolve();
        };
        // Handlers still running (blocking calls in a handler) finish before connect() returns.
        if (this.#pending) void this.#pending.then(settle);
        else settle();
      };
      const ws = this.#ws;
      ws.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
        if (this.#closed) return;
        this.#metrics.received();
        const bytes = Array.isArray(data)
          ? Buffer.concat(data)
          : Buffer.isBuffer(data)
            ? data
            : Buffer.from(data);
        if (isBinary) {
          const copy = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
          this.#emit('binaryMessage', copy);
        } else {
          this.#emit('message', bytes.toString('utf8'));
        }
      });
      ws.on('ping', () => {
        if (!this.#closed) this.#emit('ping');
      });
      ws.on('pong', (data: Buffer) => {
        if (this.#closed) return;
        const sentAt = this.#pings.get(data.toString());
        if (sentAt !== undefined) {
          this.#pings.delete(data.toString());
          this.#metrics.ping(performance.now() - sentAt);
        }
        this.#emit('pong');
      });
      ws.on('error', (error: Error) => {
        if (!this.#closed) this.#emitError(new WsError(error.message));
      });
      ws.on('close', (code: number, reason: Buffer) => {
        if (this.#closed) return;
        // The peer closed (or the connection broke). k6 reports codes other than 1000 and 1001
        // as an error first (1005: no status, 1006: no close frame at all).
        if (code !== 1000 && code !== GOING_AWAY && !this.#errorFired) {
          const text = reason.length > 0 ? `: ${reason.toString()}` : '';
          this.#emitError(new WsError(`websocket: close ${code}${text}`));
        }
        this.#closed = true;
        this.#emit('close', code);
        this.#finish();
      });
      if (signal.aborted) {
        onAbort();
        return;
      }
      signal.addEventListener('abort', onAbort, { once: true });
      const ready = (): void => {
        if (this.#closed) return;
        this.#emit('open');
        ws.resume(); // frames that arrived with the handshake response follow 'open', as in k6
      };
      try {
        const result = setup(this);
        if (isPromise(result)) result.then(ready, (error) => this.#fail(error));
        else ready();
      } catch (error) {
        this.#fail(error);
      }
    });
  }

  #write(data: string | Buffer, binary: boolean): void {
    if (this.#closed || this.#ws.readyState !== this.#ws.OPEN) {
      this.#emitError(new WsError('websocket: send on a closed connection'));
      return;
    }
    this.#ws.send(data, binary ? BINARY_FRAME : TEXT_FRAME);
    this.#metrics.sent();
  }

  #schedule(fn: unknown, ms: number, repeat: boolean, name: string): void {
    const delay = Number(ms);
    if (!(delay > 0)) {
      throw new TypeError(`${name} requires a >0 timeout parameter, received ${delay.toFixed(2)}`);
    }
    if (typeof fn !== 'function' || this.#closed) return;
    const run = (): void => {
      if (this.#closed) return;
      if (!repeat) this.#timers.delete(timer);
      this.#call(fn as Handler, undefined);
    };
    const timer = repeat ? setInterval(run, delay) : setTimeout(run, delay);
    this.#timers.add(timer);
  }

  #closeWith(code: number): void {
    if (this.#closed) return;
    this.#closed = true;
    const ws = this.#ws;
    this.#closing();
    try {
      ws.close(code);
    } catch (error) {
      // An invalid code: the frame is not sent (k6 reports the write error the same way).
      this.#emitError(new WsError(error instanceof Error ? error.message : String(error)));
      ws.terminate();
    }
    // The peer may never answer the close handshake: do not let its socket linger.
    const linger = setTimeout(() => ws.terminate(), CLOSE_LINGER_MS);
    linger.unref();
    ws.once('close', () => clearTimeout(linger));
    this.#emit('close', code);
    this.#finish();
  }

  #emitError(error: WsError): void {
    this.#errorFired = true;
    this.#emit('error', error);
  }

  #emit(event: string, arg?: unknown): void {
    const handlers = this.#handlers.get(event);
    if (!handlers) return;
    for (const handler of handlers) {
      if (!this.#call(handler, arg)) return;
    }
  }

  /**
   * Calls a handler (with `arg` unless undefined), or queues it behind a handler still running;
   * an exception ends the session (close 1001) and `connect()` throws it. False when the handler
   * threw at once. Runs once per message: no argument array is built.
   */
  #call(handler: Handler, arg: unknown): boolean {
    if (this.#pending) {
      this.#setPending(this.#pending.then(() => this.#callQueued(handler, arg)));
      return true;
    }
    try {
      const result = arg === undefined ? handler() : handler(arg);
      if (isPromise(result)) this.#setPending(result.then(noop, (error) => this.#fail(error)));
      return true;
    } catch (error) {
      this.#fail(error);
      return false;
    }
  }

  #callQueued(handler: Handler, arg: unknown): Promise<void> | undefined {
    if (this.#failure) return undefined;
    try {
      const result = arg === undefined ? handler() : handler(arg);
      if (isPromise(result)) return result.then(noop, (error) => this.#fail(error));
    } catch (error) {
      this.#fail(error);
    }
    return undefined;
  }

  #setPending(promise: Promise<void>): void {
    this.#pending = promise;
    void promise.then(() => {
      if (this.#pending === promise) this.#pending = undefined;
    });
  }

  #fail(error: unknown): void {
    this.#failure ??= { error };
    if (!this.#closed) {
      this.#closed = true;
      const ws = this.#ws;
      this.#closing();
      try {
        ws.close(GOING_AWAY);
      } catch {
        ws.terminate();
      }
      setTimeout(() => ws.terminate(), CLOSE_LINGER_MS).unref();
    }
    this.#finish(error);
  }
}

function noop(): void {}

function isPromise(value: unknown): value is Promise<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** `ws.connect(url, [params], fn)`: resolves with the handshake response once the session ended. */
export async function connect(url: string, ...args: unknown[]): Promise<WsResponse> {
  const vu = requireVu('ws.connect()');
  if (vu.signal.aborted) throw new IterationAbort('interrupted', true);
  let params: WsConnectParams | undefined;
  let setup: unknown;
  if (args.length === 2) [params, setup] = args as [WsConnectParams | undefined, unknown];
  else if (args.length === 1) setup = args[0];
  else throw new TypeError('invalid number of arguments to ws.connect');
  if (typeof setup !== 'function') {
    throw new TypeError('last argument to ws.connect must be a function');
  }
  const headers: Record<string, string> = { 'User-Agent': httpSettings.userAgent };
  for (const [name, value] of Object.entries(params?.headers ?? {})) headers[name] = String(value);
  const compressionName = String(params?.compression ?? '').trim();
  if (compressionName !== '' && compressionName !== 'deflate') {
    throw new TypeError(
      `unsupported compression algorithm '${compressionName}', supported algorithm is 'deflate'`,
    );
  }
  const target = threadRuntime().rewriteUrl(String(url));
  const result = await handshake(target, {
    headers,
    compression: compressionName === 'deflate',
    signal: vu.signal,
    wire: vu.http.wire,
  });
  const tags: Tags = {
    ...contextTags(params?.tags, vu),
    url: String(url),
    status: String(result.status),
    subproto: result.subprotocol,
  };
  const metrics = new WsSessionMetrics(tags, result.startedAt, result.connectedAt);
  if (!result.socket) {
    metrics.end();
    if (vu.signal.aborted) throw new IterationAbort('interrupted', true);
    if (result.status !== 0) {
      return {
        url: '',
        status: result.status,
        headers: result.headers,
        body: result.body,
        error: '',
      };
    }
    return { url: '', status: 0, headers: {}, body: '', error: result.error };
  }
  // k6 closes the TCP connection right after sending its close frame (closeConnection): the
  // peer's answer, and whatever else it sends after that, is never read, so never counted.
  const tcp = result.tcp;
  const socket = new Socket(result.socket, metrics, () => {
    if (tcp) vu.http.wire.stopReceiving(tcp);
  });
  await socket.run(setup as SetupFn, vu.signal);
  // Stopped VU (end of test, Ctrl-C): the session was closed and counted; the iteration ends here.
  if (vu.signal.aborted) throw new IterationAbort('interrupted', true);
  return { url: String(url), status: result.status, headers: result.headers, body: '', error: '' };
}
