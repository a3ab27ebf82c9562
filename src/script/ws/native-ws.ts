/**
 * The native API's WebSocket client (`import { ws } from 'redline'`): `await ws.connect(url)`
 * resolves with an open socket (rejects when the handshake fails), and the socket is an async
 * iterable of its messages (text as strings, binary as ArrayBuffers) that ends when the socket
 * closes; leaving a `for await` loop early (`break`, `return`, a throw) closes it with 1000.
 *
 * It runs on the `k6/websockets` client (websocket.ts), so the metrics are k6's (`ws_connecting`,
 * `ws_sessions`, `ws_session_duration`, `ws_msgs_sent`, `ws_msgs_received`, `ws_ping`) and the
 * lifetime rules are too: the iteration waits for every socket it opened to close, and the end of
 * the test or Ctrl-C closes them (the iteration then ends, its messages counted).
 */
import { WebSocket, type WebSocketParams, type WsEvent } from './websocket.js';

/** Parameters of {@link connect}: k6/websockets' params plus the subprotocols to offer. */
export interface NativeWsParams extends WebSocketParams {
  /** Subprotocols offered in the handshake (`Sec-WebSocket-Protocol`). */
  protocols?: string | string[];
}

/** How a socket closed: its close code and reason, and the error of an abnormal close. */
export interface WsCloseInfo {
  /** The close code (1000 normal, 1001 going away, 1006 no close frame, ...). */
  code: number;
  reason: string;
  /** Why the connection failed (a reset, a close with an error code); absent on a normal close. */
  error?: string;
}

/** A message: text as a string, a binary frame as an ArrayBuffer. */
export type WsMessage = string | ArrayBuffer;

/** An open WebSocket of the native API: send, ping, close, and `for await` over its messages. */
export class NativeSocket implements AsyncIterable<WsMessage> {
  readonly #socket: WebSocket;
  readonly #queue: WsMessage[] = [];
  #waiting: ((value: IteratorResult<WsMessage>) => void) | undefined;
  #info: WsCloseInfo | undefined;
  #error: string | undefined;
  readonly #closed: Promise<WsCloseInfo>;

  /** @internal Made by {@link connect} once the socket is open. */
  constructor(socket: WebSocket, closed: Promise<WsCloseInfo>) {
    this.#socket = socket;
    this.#closed = closed;
    socket.addEventListener('message', (event: WsEvent) => {
      const data = event.data as WsMessage;
      const waiting = this.#waiting;
      if (waiting) {
        this.#waiting = undefined;
        waiting({ value: data, done: false });
      } else this.#queue.push(data);
    });
    socket.addEventListener('error', (event: WsEvent) => {
      this.#error = event.error;
    });
    socket.addEventListener('close', (event: WsEvent) => {
      this.#info = {
        code: event.code ?? 1005,
        reason: event.reason ?? '',
        ...(this.#error !== undefined ? { error: this.#error } : {}),
      };
      const waiting = this.#waiting;
      this.#waiting = undefined;
      waiting?.({ value: undefined, done: true });
    });
  }

  /** The URL connected to. */
  get url(): string {
    return this.#socket.url;
  }

  /** The subprotocol the server selected ('' when none). */
  get protocol(): string {
    return this.#socket.protocol;
  }

  /** Resolves with how the socket closed (by either side, or by the end of the test). */
  get closed(): Promise<WsCloseInfo> {
    return this.#closed;
  }

  /** Sends a text (string) or binary (ArrayBuffer, typed array, Buffer) message. */
  send(data: string | ArrayBuffer | ArrayBufferView): void {
    this.#socket.send(data);
  }

  /** Sends a ping; its pong's round trip is recorded in `ws_ping`. */
  ping(): void {
    this.#socket.ping();
  }

  /** Starts the close handshake (default 1000) and resolves once the socket is closed. */
  close(code?: number, reason?: string): Promise<WsCloseInfo> {
    if (this.#info === undefined) this.#socket.close(code, reason);
    return this.#closed;
  }

  /** The next message, or undefined once the socket is closed and every message was read. */
  async receive(): Promise<WsMessage | undefined> {
    const next = await this.#next();
    return next.done ? undefined : next.value;
  }

  #next(): Promise<IteratorResult<WsMessage>> {
    const queued = this.#queue.shift();
    if (queued !== undefined) return Promise.resolve({ value: queued, done: false });
    if (this.#info !== undefined || this.#waiting !== undefined) {
      return Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve) => {
      this.#waiting = resolve;
    });
  }

  /** The messages as they arrive; the loop ends when the socket closes, and a `break` closes it. */
  [Symbol.asyncIterator](): AsyncIterator<WsMessage> {
    return {
      next: () => this.#next(),
      return: async () => {
        await this.close();
        return { value: undefined, done: true };
      },
    };
  }
}

/**
 * Opens a WebSocket: resolves with the open socket, rejects with the handshake's error (refused,
 * a non-101 status, TLS). Attempts and failures are counted like k6/websockets' (`ws_sessions`,
 * `ws_connecting`).
 */
export function connect(url: string, params: NativeWsParams = {}): Promise<NativeSocket> {
  const { protocols, ...rest } = params;
  const socket = new WebSocket(url, protocols, rest);
  socket.binaryType = 'arraybuffer';
  let failure: string | undefined;
  let opened: NativeSocket | undefined;
  const closed = new Promise<WsCloseInfo>((resolve) => {
    socket.addEventListener('error', (event: WsEvent) => {
      failure = event.error;
    });
    socket.addEventListener('close', (event: WsEvent) => {
      resolve({
        code: event.code ?? 1005,
        reason: event.reason ?? '',
        ...(failure !== undefined ? { error: failure } : {}),
      });
    });
  });
  return new Promise((resolve, reject) => {
    socket.addEventListener('open', () => {
      opened = new NativeSocket(socket, closed);
      resolve(opened);
    });
    void closed.then((info) => {
      if (opened === undefined) reject(new Error(info.error ?? `websocket: closed ${info.code}`));
    });
  });
}

/** The native API's `ws` namespace. */
export const ws = { connect };
