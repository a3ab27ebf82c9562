/** Instruments node:http / node:https servers: one AsyncLocalStorage context per request. */
import diagnostics from 'node:diagnostics_channel';
import http from 'node:http';
import https from 'node:https';
import { createRequestState, type RequestState, requestStorage } from './state.js';

/** Called when a response has been sent. */
export type RequestEndHandler = (
  state: RequestState,
  request: http.IncomingMessage,
  response: http.ServerResponse,
) => void;

const STATE = Symbol.for('redline.probe.request');
const IGNORE = Symbol.for('redline.probe.ignore');
type AnyFn = (this: unknown, ...args: unknown[]) => unknown;

/** Marks a server (the probe's own metrics server) as not instrumented. */
export function ignoreServer(server: object): void {
  (server as Record<symbol, unknown>)[IGNORE] = true;
}

/**
 * Wraps `Server.prototype.emit` so every 'request' handler runs inside its own request state, and
 * listens to `http.server.response.finish` to close it. Returns an uninstall function.
 */
export function instrumentHttpServers(onEnd: RequestEndHandler): () => void {
  const restores: Array<() => void> = [];
  for (const proto of [http.Server.prototype, https.Server.prototype] as unknown as Array<
    Record<string, AnyFn>
  >) {
    const original = proto['emit'] as AnyFn;
    if (Object.hasOwn(original, STATE)) continue;
    const emit = function (this: Record<symbol, unknown>, ...args: unknown[]) {
      const [event, request, response] = args;
      if (event !== 'request' || this[IGNORE]) return original.apply(this, args);
      const req = request as http.IncomingMessage;
      const state = createRequestState(req.method ?? 'GET', req.url ?? '/');
      state.raw = req;
      (response as Record<symbol, unknown>)[STATE] = state;
      return requestStorage.run(state, Reflect.apply, original, this, args);
    };
    Object.defineProperty(emit, STATE, { value: true });
    proto['emit'] = emit as AnyFn;
    restores.push(() => {
      proto['emit'] = original;
    });
  }
  const onFinish = (message: unknown) => {
    const { request, response } = message as {
      request: http.IncomingMessage;
      response: http.ServerResponse;
    };
    const state = (response as unknown as Record<symbol, RequestState | undefined>)[STATE];
    if (!state) return;
    (response as unknown as Record<symbol, unknown>)[STATE] = undefined;
    onEnd(state, request, response);
  };
  diagnostics.subscribe('http.server.response.finish', onFinish);
  restores.push(() => diagnostics.unsubscribe('http.server.response.finish', onFinish));
  return () => {
    for (const restore of restores) restore();
  };
}
