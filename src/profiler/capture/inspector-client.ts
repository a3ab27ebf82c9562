/** A minimal Chrome DevTools Protocol client over a WebSocket (the `ws` package) for Node's inspector. */
import { request } from 'node:http';
import WebSocket from 'ws';
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';

/** A connected inspector session. */
export interface InspectorClient {
  /** Sends a CDP command and resolves with its result (rejects with the protocol error). */
  send<T = unknown>(method: string, params?: Record<string, unknown>): Promise<T>;
  /** Subscribes to a CDP event; returns a function that unsubscribes. */
  on(event: string, handler: (params: unknown) => void): () => void;
  /** Resolves when the socket closes (the target exited or we closed it). */
  readonly closed: Promise<void>;
  close(): Promise<void>;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  method: string;
}

/** Opens a CDP session on a `ws://` debugger URL. */
export function connectInspector(url: string, timeoutMs = 10_000): Promise<InspectorClient> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false, maxPayload: 2 ** 31 - 1 });
    const timer = setTimeout(() => {
      socket.terminate();
      reject(inspectorError(`no inspector answered at ${url} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(inspectorError(`cannot connect to the inspector at ${url}`, error));
    });
    socket.once('open', () => {
      clearTimeout(timer);
      resolve(createClient(socket));
    });
  });
}

function createClient(socket: WebSocket): InspectorClient {
  let nextId = 1;
  const pending = new Map<number, Pending>();
  const listeners = new Map<string, Set<(params: unknown) => void>>();
  const closed = new Promise<void>((resolve) => {
    socket.once('close', () => {
      for (const entry of pending.values())
        entry.reject(inspectorError(`the inspector closed during ${entry.method}`));
      pending.clear();
      resolve();
    });
  });
  socket.on('error', () => {}); // Reported through 'close' and the pending rejections.
  socket.on('message', (data) => {
    const message = JSON.parse(data.toString()) as {
      id?: number;
      method?: string;
      params?: unknown;
      result?: unknown;
      error?: { message: string };
    };
    if (message.id !== undefined) {
      const entry = pending.get(message.id);
      pending.delete(message.id);
      if (!entry) return;
      if (message.error)
        entry.reject(inspectorError(`${entry.method} failed: ${message.error.message}`));
      else entry.resolve(message.result ?? {});
    } else if (message.method) {
      for (const handler of listeners.get(message.method) ?? []) handler(message.params);
    }
  });
  return {
    send(method, params = {}) {
      if (socket.readyState !== WebSocket.OPEN)
        return Promise.reject(inspectorError(`the inspector is closed (${method})`));
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject, method });
        socket.send(JSON.stringify({ id, method, params }));
      });
    },
    on(event, handler) {
      const set = listeners.get(event) ?? new Set();
      set.add(handler);
      listeners.set(event, set);
      return () => set.delete(handler);
    },
    closed,
    async close() {
      if (socket.readyState === WebSocket.CLOSED) return;
      socket.close();
      await Promise.race([closed, new Promise((r) => setTimeout(r, 1000).unref())]);
      socket.terminate();
    },
  };
}

/** Asks a Node inspector's HTTP endpoint (`/json/list`) for its WebSocket debugger URL. */
export async function discoverDebuggerUrl(
  host: string,
  port: number,
  timeoutMs = 5_000,
): Promise<string> {
  const body = await new Promise<string>((resolve, reject) => {
    const req = request({ host, port, path: '/json/list', timeout: timeoutMs }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => resolve(text));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (error) => reject(inspectorError(`no inspector at ${host}:${port}`, error)));
    req.end();
  });
  let targets: Array<{ type?: string; webSocketDebuggerUrl?: string }>;
  try {
    targets = JSON.parse(body) as typeof targets;
  } catch (cause) {
    throw inspectorError(`${host}:${port} answered, but not like a Node inspector`, cause);
  }
  const target =
    targets.find((t) => t.type === 'node' && t.webSocketDebuggerUrl) ??
    targets.find((t) => t.webSocketDebuggerUrl);
  if (!target?.webSocketDebuggerUrl)
    throw inspectorError(`the inspector at ${host}:${port} lists no debuggable target`);
  return target.webSocketDebuggerUrl;
}

/** The error for an inspector that cannot be reached or fails. */
export function inspectorError(message: string, cause?: unknown): RedlineError {
  return new RedlineError('PROFILER_INSPECTOR', message, {
    exitCode: ExitCode.Unavailable,
    hint: 'The target must run with the inspector on (node --inspect); redline profile starts it that way itself.',
    cause,
  });
}
