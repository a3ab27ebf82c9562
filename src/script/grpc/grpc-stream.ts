/**
 * k6's `grpc.Stream`: client, server and bidirectional streaming over one call of the VU's
 * connection. `new grpc.Stream(client, method, params)` opens the call at once; `on('data' |
 * 'error' | 'end', fn)` receive messages (with `{ ts }` metadata), a non-OK status (k6's
 * `{ code, message, details }`, then `end`) and the end; `write()` sends, `end()` half-closes.
 * The iteration waits until every stream it opened has ended (k6's event loop does), so the
 * stream is a background task of the VU; a stopped VU cancels it without further events.
 * Metrics: `grpc_streams`, `grpc_streams_msgs_sent`, `grpc_streams_msgs_received`, and the
 * whole stream's `grpc_req_duration` (tagged with its status), as in k6.
 */

import type * as grpc from '@grpc/grpc-js';
import { BUILTIN_METRICS } from '../../metrics/builtin.js';
import type { CounterSeries } from '../../metrics/series.js';
import { parseDurationMs } from '../../util/duration.js';
import { callListeners } from '../runtime/listeners.js';
import { threadRuntime } from '../runtime/thread-runtime.js';
import { addBackgroundTask, IterationAbort, requireVu } from '../runtime/vu-state.js';
import {
  type Client,
  callTags,
  durationSeries,
  type InvokeParams,
  toMetadata,
} from './grpc-client.js';

type Listener = (value: unknown, metadata: { ts: number }) => unknown;
const EVENTS = ['data', 'error', 'end'] as const;

/** A streaming call (k6's `grpc.Stream`). */
export class Stream {
  readonly #listeners = new Map<string, Listener[]>();
  readonly #call: grpc.ClientDuplexStream<Buffer, unknown>;
  readonly #serialize: (value: object) => Buffer;
  readonly #sent: CounterSeries;
  #writable = true;
  /** The method takes one request message (server streaming): written, the stream half-closes. */
  readonly #singleRequest: boolean;
  #over = false;
  #settle: (error?: unknown) => void = () => {};

  constructor(client: Client, method: string, params?: InvokeParams | null) {
    const vu = requireVu('new grpc.Stream()');
    if (vu.signal.aborted) throw new IterationAbort('interrupted', true);
    const { connection, loaded, path } = client.prepare(vu, method);
    const p = params ?? {};
    const tags = callTags(vu, connection.addr, path, p.tags);
    const registry = threadRuntime().registry;
    registry.counter(BUILTIN_METRICS.grpc_streams, tags).add(1);
    this.#sent = registry.counter(BUILTIN_METRICS.grpc_streams_msgs_sent, tags);
    const received = registry.counter(BUILTIN_METRICS.grpc_streams_msgs_received, tags);
    const durations = durationSeries(vu, connection.addr, path, p.tags);
    const definition = loaded.definition;
    this.#serialize = (value) => definition.requestSerialize(value);
    this.#singleRequest = definition.requestStream === false;
    const options: grpc.CallOptions = {};
    if (p.timeout !== undefined && p.timeout !== null) {
      const ms = parseDurationMs(p.timeout);
      if (ms === undefined)
        throw new TypeError(`invalid stream timeout value: ${String(p.timeout)}`);
      if (ms > 0) options.deadline = Date.now() + ms;
    }
    const started = performance.now();
    this.#call = connection.client.makeBidiStreamRequest<Buffer, unknown>(
      path,
      (b: Buffer) => b,
      (bytes: Buffer) => (p.discardResponseMessage ? {} : definition.responseDeserialize(bytes)),
      toMetadata(p.metadata),
      options,
    );
    const done = new Promise<void>((resolve, reject) => {
      this.#settle = (error?: unknown): void => {
        if (error === undefined) resolve();
        else reject(error);
      };
    });
    const stop = (): void => {
      if (this.#over) return;
      this.#over = true;
      this.#call.cancel();
      this.#settle();
    };
    addBackgroundTask(vu, { done, stop });
    vu.signal.addEventListener('abort', stop, { once: true });
    const call = this.#call;
    call.on('data', (message: unknown) => {
      if (this.#over) return;
      received.add(1);
      this.#emit('data', message);
    });
    call.on('error', () => {}); // the status below carries it
    call.on('status', (status: grpc.StatusObject) => {
      vu.signal.removeEventListener('abort', stop);
      if (this.#over) return;
      durations(status.code).add(performance.now() - started);
      this.#over = true;
      this.#writable = false;
      if (status.code !== 0) {
        const error = { code: status.code, message: status.details, details: [] };
        if (!this.#emit('error', error)) return;
      }
      if (!this.#emit('end', {})) return;
      this.#settle();
    });
  }

  /** Adds a listener for `data`, `error` or `end`. */
  on(event: string, handler: unknown): void {
    if (typeof handler !== 'function') {
      throw new TypeError(`handler for "${event}" event isn't a callable function`);
    }
    if (!(EVENTS as readonly string[]).includes(event)) return; // k6 only warns
    const list = this.#listeners.get(event);
    if (list) list.push(handler as Listener);
    else this.#listeners.set(event, [handler as Listener]);
  }

  /** Sends one message (ignored once the stream was ended, as in k6). */
  write(message: unknown): void {
    if (!this.#writable || message === null || message === undefined) return;
    let bytes: Buffer;
    try {
      bytes = this.#serialize(message as object);
    } catch (error) {
      throw new TypeError(
        `unable to serialise the stream message to protocol buffer: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    this.#call.write(bytes);
    this.#sent.add(1);
    // A server-streaming method takes exactly one request. k6 leaves the half-close to end(), and
    // its documentation's server-streaming example never calls it: a Go server starts the handler
    // after the one message, a @grpc/grpc-js server only at the half-close, so without it the
    // example would wait there until the test's end. Half-closing here serves both.
    if (this.#singleRequest) this.end();
  }

  /** Half-closes the stream: no more writes; the server's answers keep arriving. */
  end(): void {
    if (!this.#writable) return;
    this.#writable = false;
    this.#call.end();
  }

  /** Calls the listeners; false when one threw (the iteration then fails with it). */
  #emit(event: string, value: unknown): boolean {
    return callListeners(
      this.#listeners.get(event) ?? [],
      (listener) => listener(value, { ts: Date.now() }),
      (error) => this.#fail(error),
    );
  }

  #fail(error: unknown): void {
    this.#over = true;
    this.#writable = false;
    this.#call.cancel();
    this.#settle(error);
  }
}
