/**
 * k6's `k6/websockets` API (formerly `k6/experimental/websockets`): a browser-like `WebSocket`
 * with `onopen`/`onmessage`/`onerror`/`onclose`/`onping`/`onpong`, `addEventListener`, `send`,
 * `ping`, `close(code, reason)`, `readyState`, `binaryType` ("blob" by default, or
 * "arraybuffer"), and `Blob`. The constructor returns at once; the iteration does not end until
 * every socket it opened is closed (k6's event loop waits the same way), which makes the socket
 * a background task of the VU.
 *
 * Semantics follow k6 (`js/modules/k6/websockets`): `ws_sessions`/`ws_connecting` are recorded
 * for every attempt; `ws_msgs_received` counts messages received while OPEN; a failed handshake
 * or an abnormal close fires `error` (with an `error` string) before `close`; a close with 1000
 * or 1001 fires no error; an exception in a handler fails the iteration. When the VU is stopped
 * (end of the test, Ctrl-C) its sockets are closed without further events. A peer that never
 * answers our close frame is cut off after the `ws` package's close timeout (30 s) or the VU's
 * stop, whichever comes first.
 */

import { Blob } from 'node:buffer';
import type WsSocket from 'ws';
import type { Tags } from '../../metrics/metric-types.js';
import { contextTags } from '../api/sample-tags.js';
import { callListeners } from '../runtime/listeners.js';
import { threadRuntime } from '../runtime/thread-runtime.js';
import { addBackgroundTask, IterationAbort, requireVu } from '../runtime/vu-state.js';
import { httpSettings } from '../vu-http/http-settings.js';
import { handshake } from './handshake.js';
import { CLOSE_LINGER_MS } from './k6-ws.js';
import { WsSessionMetrics } from './ws-metrics.js';

export { Blob };

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;

const EVENT_TYPES = ['open', 'message', 'error', 'close', 'ping', 'pong'] as const;
type EventType = (typeof EVENT_TYPES)[number];
type Listener = (event: WsEvent) => unknown;

/** `ws` send options, shared: one object per frame kind, not one per message. */
const TEXT_FRAME = { binary: false } as const;
const BINARY_FRAME = { binary: true } as const;

/** Calls a listener as a DOM event target does: `this` is the socket, the event its argument. */
function callWithTarget(listener: Listener, event: WsEvent): unknown {
  return listener.call(event.target, event);
}

/** `new WebSocket(url, protocols, params)` parameters (k6). */
export interface WebSocketParams {
  headers?: Record<string, string | number | boolean>;
  tags?: Record<string, string>;
  compression?: string;
  jar?: unknown;
}

/** The event object listeners receive (DOM-like: `type`, `target`, `timestamp`, plus data). */
export interface WsEvent {
  type: string;
  target: WebSocket;
  timestamp: number;
  data?: unknown;
  code?: number;
  reason?: string;
  error?: string;
}

/** A browser-like WebSocket client (k6/websockets). */
export class WebSocket {
  static readonly CONNECTING = CONNECTING;
  static readonly OPEN = OPEN;
  static readonly CLOSING = CLOSING;
  static readonly CLOSED = CLOSED;

  /** The URL as given. */
  readonly url: string;
  #readyState = CONNECTING;
  #binaryType: 'blob' | 'arraybuffer' = 'blob';
  #protocol = '';
  #extensions: string[] = [];
  /** Bytes handed to `send` that wait behind a Blob's read (not given to the socket yet). */
  #chainedBytes = 0;
  readonly #on = new Map<EventType, Listener | null>();
  readonly #listeners = new Map<EventType, Listener[]>();
  /**
   * What a dispatch of each type calls: the `on<type>` handler, then the added listeners. Rebuilt
   * (a new array) when either changes, so a dispatch builds no list per message and a change made
   * by a listener applies from the next event on.
   */
  readonly #dispatchList = new Map<EventType, Listener[]>();
  #socket: WsSocket | undefined;
  #metrics: WsSessionMetrics | undefined;
  readonly #pings = new Map<string, number>();
  #pingCounter = 0;
  #closeCode = 0;
  #closeReason = '';
  /** Sends waiting for a Blob's bytes, in order. */
  #sendChain: Promise<void> | undefined;
  /** Set once the VU stopped the socket: no more events reach the script. */
  #stopped = false;
  #settle: (error?: unknown) => void = () => {};

  constructor(url: unknown, protocols?: unknown, params?: WebSocketParams | null) {
    const vu = requireVu('new WebSocket()');
    if (vu.signal.aborted) throw new IterationAbort('interrupted', true);
    const text = String(url);
    let parsed: URL;
    try {
      parsed = new URL(text);
    } catch {
      throw new SyntaxError(`WebSocket: invalid URL "${text}"`);
    }
    if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
      throw new SyntaxError(
        `WebSocket: the URL scheme must be ws or wss, got "${parsed.protocol}"`,
      );
    }
    this.url = text;
    const offers =
      protocols === undefined || protocols === null
        ? []
        : Array.isArray(protocols)
          ? protocols.map(String)
          : [String(protocols)];
    const headers: Record<string, string> = { 'User-Agent': httpSettings.userAgent };
    for (const [name, value] of Object.entries(params?.headers ?? {})) {
      headers[name] = String(value);
    }
    const compression = String(params?.compression ?? '').trim();
    if (compression !== '' && compression !== 'deflate') {
      throw new TypeError(
        `unsupported compression algorithm '${compression}', supported algorithm is 'deflate'`,
      );
    }
    const userTags = params?.tags;
    const done = new Promise<void>((resolve, reject) => {
      this.#settle = (error?: unknown): void => {
        if (error === undefined) resolve();
        else reject(error);
      };
    });
    addBackgroundTask(vu, { done, stop: () => this.#stop() });
    const signal = vu.signal;
    const onAbort = (): void => this.#stop();
    signal.addEventListener('abort', onAbort, { once: true });
    done.then(
      () => signal.removeEventListener('abort', onAbort),
      () => signal.removeEventListener('abort', onAbort),
    );
    void handshake(threadRuntime().rewriteUrl(text), {
      headers,
      protocols: offers,
      compression: compression === 'deflate',
      signal,
      wire: vu.http.wire,
    }).then((result) => {
      const tags: Tags = {
        ...contextTags(userTags, vu),
        url: userTags?.['name'] ?? text,
        name: userTags?.['name'] ?? text,
        status: String(result.status),
        subproto: result.subprotocol,
      };
      this.#metrics = new WsSessionMetrics(tags, result.startedAt, result.connectedAt);
      if (!result.socket) {
        this.#closed(new Error(result.error || `websocket: bad handshake (HTTP ${result.status})`));
        return;
      }
      this.#protocol = result.subprotocol;
      const ext = result.headers['Sec-Websocket-Extensions'];
      this.#extensions = ext ? [ext] : [];
      this.#attach(result.socket);
    });
  }

  /** 0 CONNECTING, 1 OPEN, 2 CLOSING, 3 CLOSED. */
  get readyState(): number {
    return this.#readyState;
  }
  /** Bytes handed to `send` and not yet written to the network (as in browsers and k6). */
  get bufferedAmount(): number {
    // Waiting here behind a Blob, plus queued in the socket and not yet written to the network.
    return this.#chainedBytes + (this.#socket?.bufferedAmount ?? 0);
  }
  /** The subprotocol the server chose. */
  get protocol(): string {
    return this.#protocol;
  }
  /** Extensions the server accepted. */
  get extensions(): string[] {
    return this.#extensions;
  }
  /** How binary messages are delivered: "blob" (default) or "arraybuffer". */
  get binaryType(): string {
    return this.#binaryType;
  }
  set binaryType(value: string) {
    if (value !== 'blob' && value !== 'arraybuffer') {
      throw new TypeError(
        `unknown binaryType ${value}, the supported ones are "blob" and "arraybuffer"`,
      );
    }
    this.#binaryType = value;
  }

  get onopen(): Listener | null {
    return this.#on.get('open') ?? null;
  }
  set onopen(fn: unknown) {
    this.#setOn('open', fn);
  }
  get onmessage(): Listener | null {
    return this.#on.get('message') ?? null;
  }
  set onmessage(fn: unknown) {
    this.#setOn('message', fn);
  }
  get onerror(): Listener | null {
    return this.#on.get('error') ?? null;
  }
  set onerror(fn: unknown) {
    this.#setOn('error', fn);
  }
  get onclose(): Listener | null {
    return this.#on.get('close') ?? null;
  }
  set onclose(fn: unknown) {
    this.#setOn('close', fn);
  }
  get onping(): Listener | null {
    return this.#on.get('ping') ?? null;
  }
  set onping(fn: unknown) {
    this.#setOn('ping', fn);
  }
  get onpong(): Listener | null {
    return this.#on.get('pong') ?? null;
  }
  set onpong(fn: unknown) {
    this.#setOn('pong', fn);
  }

  /** Adds a listener for `open`, `message`, `error`, `close`, `ping` or `pong`. */
  addEventListener(type: string, listener: unknown): void {
    if (typeof listener !== 'function') {
      throw new TypeError(`handler for event type "${type}" isn't a callable function`);
    }
    if (!(EVENT_TYPES as readonly string[]).includes(type)) return; // k6 only warns
    const list = this.#listeners.get(type as EventType);
    if (list) list.push(listener as Listener);
    else this.#listeners.set(type as EventType, [listener as Listener]);
    this.#dispatchList.delete(type as EventType);
  }

  /** Removes a listener added with {@link addEventListener}. */
  removeEventListener(type: string, listener: unknown): void {
    const list = this.#listeners.get(type as EventType);
    const at = list?.indexOf(listener as Listener) ?? -1;
    if (list && at >= 0) {
      list.splice(at, 1);
      this.#dispatchList.delete(type as EventType);
    }
  }

  /** Sends a string (text frame) or an ArrayBuffer, typed array or Blob (binary frame). */
  send(data: unknown): void {
    this.#assertOpen();
    if (typeof data === 'string') {
      this.#write(data, false);
    } else if (data instanceof ArrayBuffer) {
      this.#write(Buffer.from(data), true);
    } else if (ArrayBuffer.isView(data)) {
      this.#write(Buffer.from(data.buffer, data.byteOffset, data.byteLength), true);
    } else if (data instanceof Blob) {
      const size = data.size;
      this.#chainedBytes += size;
      this.#chain(async () => {
        const bytes = await data.arrayBuffer();
        this.#chainedBytes -= size;
        this.#send(Buffer.from(bytes), true);
      });
    } else {
      throw new TypeError(`unsupported send type ${data === null ? 'null' : typeof data}`);
    }
  }

  /** Sends a ping; the pong's delay is recorded in `ws_ping`. */
  ping(): void {
    this.#assertOpen();
    const id = String(this.#pingCounter++);
    this.#pings.set(id, performance.now());
    this.#socket?.ping(id);
  }

  /** Starts the closing handshake (code 1000 or 3000-4999, reason up to 123 bytes). */
  close(code?: number, reason?: string): void {
    if (this.#readyState === CLOSING || this.#readyState === CLOSED) return;
    const closeCode = code === undefined || code === 0 ? 1000 : Math.trunc(Number(code));
    if (closeCode !== 1000 && (closeCode < 3000 || closeCode > 4999)) {
      throw new RangeError(
        `InvalidAccessError: Failed to execute 'close' on 'WebSocket': The close code must be either 1000, or between 3000 and 4999. ${closeCode} is neither`,
      );
    }
    const text = reason === undefined ? '' : String(reason);
    if (Buffer.byteLength(text) > 123) {
      throw new SyntaxError(
        "SyntaxError: Failed to execute 'close' on 'WebSocket': The message must not be greater than 123 bytes",
      );
    }
    this.#closeCode = closeCode;
    if (this.#readyState === CONNECTING) {
      // Not open yet: give up the handshake; the close event follows.
      this.#readyState = CLOSING;
      return;
    }
    this.#readyState = CLOSING;
    const socket = this.#socket;
    const chain = this.#sendChain;
    if (chain) void chain.then(() => socket?.close(closeCode, text));
    else socket?.close(closeCode, text);
  }

  #setOn(type: EventType, fn: unknown): void {
    if (fn === null || fn === undefined) {
      this.#on.set(type, null);
    } else {
      if (typeof fn !== 'function') {
        throw new TypeError(`a value for 'on${type}' should be callable`);
      }
      this.#on.set(type, fn as Listener);
    }
    this.#dispatchList.delete(type);
  }

  #assertOpen(): void {
    if (this.#readyState !== OPEN) throw new Error('InvalidStateError');
  }

  #write(data: string | Buffer, binary: boolean): void {
    if (this.#sendChain) {
      // Behind a Blob still being read: sent in order once it is.
      const size = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
      this.#chainedBytes += size;
      this.#chain(() => {
        this.#chainedBytes -= size;
        this.#send(data, binary);
      });
    } else {
      this.#send(data, binary);
    }
  }

  /**
   * Appends a send to the chain behind a Blob's read, in order. A failing step (a Blob that cannot
   * be read) fails the iteration like a throwing listener, never as an unhandled rejection.
   */
  #chain(step: () => void | Promise<void>): void {
    const next = (this.#sendChain ?? Promise.resolve())
      .then(step)
      .catch((error) => this.#fail(error));
    this.#sendChain = next;
    void next.then(() => {
      if (this.#sendChain === next) this.#sendChain = undefined;
    });
  }

  #send(data: string | Buffer, binary: boolean): void {
    const socket = this.#socket;
    if (!socket || socket.readyState !== socket.OPEN) return;
    socket.send(data, binary ? BINARY_FRAME : TEXT_FRAME);
    this.#metrics?.sent();
  }

  #attach(socket: WsSocket): void {
    this.#socket = socket;
    if (this.#stopped) {
      this.#cut();
      socket.resume();
      return;
    }
    socket.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
      if (this.#readyState !== OPEN || this.#stopped) return;
      this.#metrics?.received();
      const bytes = Array.isArray(data)
        ? Buffer.concat(data)
        : Buffer.isBuffer(data)
          ? data
          : Buffer.from(data);
      let payload: unknown;
      if (!isBinary) payload = bytes.toString('utf8');
      else if (this.#binaryType === 'arraybuffer') {
        payload = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
      } else payload = new Blob([bytes]);
      const listeners = this.#listenersOf('message');
      if (listeners.length === 0) return;
      // One literal of a fixed shape per message (no spread of a fields object).
      const event: WsEvent = {
        type: 'message',
        target: this,
        timestamp: Date.now(),
        data: payload,
      };
      callListeners(listeners, callWithTarget, this.#failWith, event);
    });
    socket.on('ping', () => {
      if (!this.#stopped) this.#dispatch('ping', {});
    });
    socket.on('pong', (data: Buffer) => {
      if (this.#stopped) return;
      const id = data.toString();
      const sentAt = this.#pings.get(id);
      if (sentAt !== undefined) {
        this.#pings.delete(id);
        this.#metrics?.ping(performance.now() - sentAt);
      }
      this.#dispatch('pong', {});
    });
    let failure: Error | undefined;
    socket.on('error', (error: Error) => {
      failure ??= error;
    });
    socket.on('close', (code: number, reason: Buffer) => {
      if (code !== 1005) this.#closeCode = code;
      this.#closeReason = reason.toString();
      const abnormal = code !== 1000 && code !== 1001;
      this.#closed(
        abnormal
          ? (failure ?? new Error(`websocket: close ${code} ${this.#closeReason}`.trim()))
          : undefined,
      );
    });
    if (this.#readyState === CLOSING) {
      // close() was called during the handshake.
      socket.close(this.#closeCode || 1000);
      socket.resume();
      return;
    }
    this.#readyState = OPEN;
    this.#dispatch('open', {});
    socket.resume();
  }

  /** The connection is gone: error (if any) then close, once; the background task settles. */
  #closed(error: Error | undefined): void {
    if (this.#readyState === CLOSED) return;
    this.#readyState = CLOSED;
    this.#metrics?.end();
    if (this.#stopped) {
      this.#settle();
      return;
    }
    if (error && !this.#dispatch('error', { error: error.message })) return;
    const extra: Partial<WsEvent> = { reason: this.#closeReason };
    if (this.#closeCode !== 0) extra.code = this.#closeCode;
    if (!this.#dispatch('close', extra)) return;
    this.#settle();
  }

  /** What a dispatch of `type` calls: the `on<type>` handler, then the added listeners. */
  #listenersOf(type: EventType): Listener[] {
    let listeners = this.#dispatchList.get(type);
    if (!listeners) {
      const on = this.#on.get(type);
      const added = this.#listeners.get(type) ?? [];
      listeners = on ? [on, ...added] : [...added];
      this.#dispatchList.set(type, listeners);
    }
    return listeners;
  }

  /** Calls the listeners of `type`; false when one threw (the iteration then fails with it). */
  #dispatch(type: EventType, fields: Partial<WsEvent>): boolean {
    const listeners = this.#listenersOf(type);
    if (listeners.length === 0) return true;
    const event: WsEvent = { type, target: this, timestamp: Date.now(), ...fields };
    return callListeners(listeners, callWithTarget, this.#failWith, event);
  }

  /** {@link #fail}, made once: handed to every dispatch. */
  readonly #failWith = (error: unknown): void => this.#fail(error);

  /** A listener threw: the socket goes away and the iteration fails with the exception. */
  #fail(error: unknown): void {
    this.#stopped = true;
    this.#cut();
    this.#metrics?.end();
    this.#settle(error);
  }

  /** The VU stopped (end of test, Ctrl-C, another socket failed): close without more events. */
  #stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#cut(); // still in the handshake: #attach closes the socket when it opens
    this.#metrics?.end(); // the session ends for the script now
    this.#settle();
  }

  #cut(): void {
    const socket = this.#socket;
    if (!socket) return;
    if (socket.readyState === socket.OPEN) socket.close(1000);
    const linger = setTimeout(() => socket.terminate(), CLOSE_LINGER_MS);
    linger.unref();
    socket.once('close', () => clearTimeout(linger));
  }
}
