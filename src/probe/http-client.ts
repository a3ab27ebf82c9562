/** Outgoing HTTP (fetch/undici and node:http clients) timed per request via diagnostics channels. */
import diagnostics from 'node:diagnostics_channel';
import { now, type RequestState, requestStorage } from './state.js';

interface Pending {
  state: RequestState;
  start: number;
}

const pending = new WeakMap<object, Pending>();

function start(message: unknown): void {
  const request = (message as { request?: object }).request;
  const state = requestStorage.getStore();
  if (request && state) pending.set(request, { state, start: now() });
}

function end(message: unknown): void {
  const request = (message as { request?: object }).request;
  const entry = request ? pending.get(request) : undefined;
  if (!entry || !request) return;
  pending.delete(request);
  entry.state.httpClientMs += now() - entry.start;
  entry.state.httpClientCount++;
}

const CHANNELS: Array<[string, (message: unknown) => void]> = [
  ['undici:request:create', start],
  ['undici:request:trailers', end],
  ['undici:request:error', end],
  ['http.client.request.start', start],
  ['http.client.response.finish', end],
  ['http.client.request.error', end],
];

/** Subscribes to the client channels; returns an unsubscribe function. */
export function instrumentHttpClients(): () => void {
  for (const [name, handler] of CHANNELS) diagnostics.subscribe(name, handler);
  return () => {
    for (const [name, handler] of CHANNELS) diagnostics.unsubscribe(name, handler);
  };
}
