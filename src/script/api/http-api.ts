/**
 * The `http` object of scripts (native `redline` module and the `k6/http` shim): every call is
 * async and resolves with a {@link Response}; `batch` runs requests in parallel.
 */
import type { ExpectedStatus } from '../../http/http-metrics.js';
import { currentVu, requireVu } from '../runtime/vu-state.js';
import { CookieJar } from '../vu-http/cookie-jar.js';
import { httpSettings } from '../vu-http/http-settings.js';
import { createFile, type FileData } from '../vu-http/request-body.js';
import type { Response } from '../vu-http/response.js';
import type { RequestParams } from '../vu-http/vu-http.js';

/** A batch entry: a URL, `[method, url, body?, params?]`, or `{method, url, body?, params?}`. */
export type BatchRequest =
  | string
  | [string, string, unknown?, RequestParams?]
  | { method?: string; url: string; body?: unknown; params?: RequestParams };

/** A status rule for `expectedStatuses`: a code or an inclusive range. */
export type StatusSpec = number | { min: number; max: number };

/** Sends one request as the calling VU. */
export function request(
  method: string,
  url: string | { url: string; name?: string },
  body?: unknown,
  params?: RequestParams,
): Promise<Response> {
  // The API name for the init-context error is built only when it is needed (not per request).
  const vu = currentVu() ?? requireVu(`http.${method.toLowerCase()}()`);
  if (typeof url === 'object' && url !== null) {
    // http.url`...` result: the URL plus its template as the `name` tag.
    const p = { ...(params ?? {}), tags: { name: url.name ?? url.url, ...(params?.tags ?? {}) } };
    return vu.http.request(method, url.url, body, p);
  }
  return vu.http.request(method, url, body, params);
}

function normalise(
  entry: BatchRequest,
): [string, string | { url: string; name?: string }, unknown, RequestParams | undefined] {
  if (typeof entry === 'string') return ['GET', entry, undefined, undefined];
  if (Array.isArray(entry)) return [entry[0], entry[1], entry[2], entry[3]];
  return [entry.method ?? 'GET', entry.url, entry.body, entry.params];
}

/** Runs requests in parallel (at most `batch` at once) and returns responses in the same shape. */
export async function batch(
  requests: BatchRequest[] | Record<string, BatchRequest>,
): Promise<Response[] | Record<string, Response>> {
  const entries = Array.isArray(requests)
    ? requests.map((r, i) => [String(i), r] as const)
    : Object.entries(requests);
  const results = new Map<string, Response>();
  let next = 0;
  const limit = Math.max(1, httpSettings.batch);
  const workers = Array.from({ length: Math.min(limit, entries.length) }, async () => {
    while (next < entries.length) {
      const [key, entry] = entries[next++]!;
      const [method, url, body, params] = normalise(entry);
      results.set(key, await request(method, url, body, params));
    }
  });
  await Promise.all(workers);
  if (Array.isArray(requests)) return entries.map(([key]) => results.get(key)!);
  return Object.fromEntries(entries.map(([key]) => [key, results.get(key)!]));
}

/** `http.url\`...\``: a URL whose `name` tag is the template (groups dynamic URLs in metrics). */
export function url(
  strings: TemplateStringsArray,
  ...values: unknown[]
): { url: string; name: string; toString(): string } {
  let full = '';
  let name = '';
  strings.forEach((s, i) => {
    full += s;
    name += s;
    if (i < values.length) {
      full += String(values[i]);
      name += `\${}`;
    }
  });
  return { url: full, name, toString: () => full };
}

/** `http.expectedStatuses(200, {min: 300, max: 399})`: a rule for setResponseCallback. */
export function expectedStatuses(...specs: StatusSpec[]): ExpectedStatus {
  const rule: ExpectedStatus = (status) =>
    specs.some((s) => (typeof s === 'number' ? s === status : status >= s.min && status <= s.max));
  return rule;
}

/** Sets the default "expected status" rule of this thread (drives http_req_failed); null: all expected. */
export function setResponseCallback(callback: ExpectedStatus | null): void {
  httpSettings.responseCallback = callback;
}

/** The calling VU's cookie jar (`http.cookieJar()`). */
export function cookieJar(): CookieJar {
  return requireVu('http.cookieJar()').http.jar;
}

/** The `http` namespace object. */
export const http = {
  request,
  asyncRequest: request,
  get: (u: string, params?: RequestParams) => request('GET', u, undefined, params),
  head: (u: string, params?: RequestParams) => request('HEAD', u, undefined, params),
  post: (u: string, body?: unknown, params?: RequestParams) => request('POST', u, body, params),
  put: (u: string, body?: unknown, params?: RequestParams) => request('PUT', u, body, params),
  patch: (u: string, body?: unknown, params?: RequestParams) => request('PATCH', u, body, params),
  del: (u: string, body?: unknown, params?: RequestParams) => request('DELETE', u, body, params),
  options: (u: string, body?: unknown, params?: RequestParams) =>
    request('OPTIONS', u, body, params),
  batch,
  url,
  file: (
    data: string | ArrayBuffer | Uint8Array,
    filename?: string,
    contentType?: string,
  ): FileData => createFile(data, filename, contentType),
  cookieJar,
  CookieJar,
  expectedStatuses,
  setResponseCallback,
};
