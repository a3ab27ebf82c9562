/**
 * A VU's HTTP client: keep-alive connections per origin (as each k6 VU has its own), one request
 * per connection at a time, timeouts, redirects, cookies, lazily decoded responses, and the built-in HTTP metrics
 * with k6's tags. Network failures never throw: they return a status-0 response with `error` and
 * `error_code` set, and are counted.
 *
 *   request() ──▶ origin pool: idle connection? ── yes ─▶ send
 *                      │ no: fewer than batchPerHost? ─▶ new connection ─▶ ready ─▶ send
 *                      └ else: wait in the pool's FIFO until a connection frees up
 */
import { type ConnectionOwner, HttpConnection } from '../../http/connection.js';
import { type ClassifiedError, requestTimeout } from '../../http/errors.js';
import { type ExpectedStatus, HttpSeriesCache } from '../../http/http-metrics.js';
import { headHasField, readHeadFields } from '../../http/response-parser.js';
import { parseTarget, type Target } from '../../http/target.js';
import { TimingTrail } from '../../http/timing-trail.js';
import { BUILTIN_METRICS } from '../../metrics/builtin.js';
import type { Tags } from '../../metrics/metric-types.js';
import type { MetricRegistry } from '../../metrics/registry.js';
import type { CounterSeries } from '../../metrics/series.js';
import { parseDurationMs } from '../../util/duration.js';
import { contextKey } from '../api/sample-tags.js';
import { threadRuntime } from '../runtime/thread-runtime.js';
import { IterationAbort, type VuState } from '../runtime/vu-state.js';
import { CookieJar } from './cookie-jar.js';
import { httpSettings } from './http-settings.js';
import { encodeBody } from './request-body.js';
import { assertSupportedParams } from './request-checks.js';
import { Response, type SentRequestSource, timingsFromTrail } from './response.js';

/** Per-request parameters (k6's `Params`). */
export interface RequestParams {
  headers?: Record<string, string | number | boolean>;
  tags?: Record<string, string>;
  timeout?: string | number;
  redirects?: number;
  responseType?: 'text' | 'binary' | 'none';
  cookies?: Record<string, string | { value: string; replace?: boolean }>;
  jar?: CookieJar | null;
  auth?: string;
  /** k6 request-body compression: not supported (an error names it). */
  compression?: string;
  responseCallback?: ExpectedStatus | null;
}

const readBuffer = Buffer.allocUnsafe(64 * 1024);
/** Series caches per registry (a thread may switch registries between init, setup and the run). */
const cachesByRegistry = new WeakMap<
  MetricRegistry,
  {
    http: Map<string, HttpSeriesCache>;
    net: Map<string, { sent: CounterSeries; received: CounterSeries }>;
  }
>();

function caches(registry: MetricRegistry) {
  let entry = cachesByRegistry.get(registry);
  if (!entry) {
    entry = { http: new Map(), net: new Map() };
    cachesByRegistry.set(registry, entry);
  }
  return entry;
}
const targets = new Map<string, Target>();
const callbackIds = new WeakMap<object, number>();
let nextCallbackId = 1;

function targetFor(url: string): Target {
  let target = targets.get(url);
  if (!target) {
    target = parseTarget(url);
    if (targets.size > 10_000) targets.clear();
    targets.set(url, target);
  }
  return target;
}

function callbackId(cb: ExpectedStatus | null): number {
  if (cb === null) return 0;
  let id = callbackIds.get(cb);
  if (id === undefined) {
    id = nextCallbackId++;
    callbackIds.set(cb, id);
  }
  return id;
}

interface Pending {
  resolve: (response: Response) => void;
  reject: (error: Error) => void;
  method: string;
  url: string;
  target: Target;
  bytes: Buffer;
  sent: SentRequestSource;
  name: string;
  tags: Record<string, string> | undefined;
  timeoutMs: number;
  redirectsLeft: number;
  responseType: 'text' | 'binary' | 'none';
  callback: ExpectedStatus | null;
  jar: CookieJar | null;
  startedAt: number;
  timer: NodeJS.Timeout | null;
  conn: HttpConnection | null;
}

/** The last series lookup of a VU (see VuHttp's #cache). */
interface SeriesMemo {
  registry: MetricRegistry;
  method: string;
  url: string;
  name: string;
  callback: ExpectedStatus | null;
  tags: Record<string, string> | undefined;
  group: string;
  scenario: string;
  cache: HttpSeriesCache;
}

function hasOwnKeys(record: Record<string, string>): boolean {
  for (const _ in record) return true;
  return false;
}

/** The VU client's data on each of its connections (kept on the connection, not in Maps). */
interface ConnectionSlot {
  pool: OriginPool | undefined;
  pending: Pending | undefined;
}

function slotOf(conn: HttpConnection): ConnectionSlot {
  let slot = conn.context as ConnectionSlot | undefined;
  if (!slot) {
    slot = { pool: undefined, pending: undefined };
    conn.context = slot;
  }
  return slot;
}

function takePending(conn: HttpConnection): Pending | undefined {
  const slot = slotOf(conn);
  const pending = slot.pending;
  slot.pending = undefined;
  return pending;
}

interface OriginPool {
  all: HttpConnection[];
  idle: HttpConnection[];
  waiting: Pending[];
}

/** The HTTP client of one VU. */
export class VuHttp implements ConnectionOwner {
  /** The VU's cookie jar (k6: `http.cookieJar()`). */
  readonly jar = new CookieJar();
  readonly #vu: () => VuState;
  readonly #pools = new Map<string, OriginPool>();
  #memo: SeriesMemo | undefined;

  #nextConnectionId = 0;

  constructor(vu: () => VuState) {
    this.#vu = vu;
  }

  /** Sends a request and resolves with its response (never rejects for network errors). */
  request(
    method: string,
    url: string,
    body?: unknown,
    params: RequestParams = {},
  ): Promise<Response> {
    if (this.#vu().signal.aborted) return Promise.reject(new IterationAbort('interrupted', true));
    const rt = threadRuntime();
    // Host rules (--host, options.hosts) change where the request goes, not what it is: the URL,
    // its tags, cookies and the Host header stay the original's (k6 keeps them too).
    assertSupportedParams(params);
    const original = String(url);
    const finalUrl = rt.rewriteUrl(original);
    let target: Target;
    try {
      target = targetFor(finalUrl);
    } catch (error) {
      return Promise.resolve(this.#invalidUrl(method, String(url), error));
    }
    const upper = method.toUpperCase();
    const jar = params.jar === undefined ? this.jar : params.jar;
    const host = finalUrl === original ? undefined : originalHost(original);
    const { bytes, sent } = this.#encode(upper, original, target, body, params, jar, host);
    const timeoutMs =
      params.timeout === undefined
        ? httpSettings.timeoutMs
        : (parseDurationMs(params.timeout) ?? httpSettings.timeoutMs);
    const responseType =
      params.responseType ?? (httpSettings.discardResponseBodies ? 'none' : 'text');
    return new Promise((resolve, reject) => {
      const pending: Pending = {
        resolve,
        reject,
        method: upper,
        url: original,
        target,
        bytes,
        sent,
        name: params.tags?.['name'] ?? String(url),
        tags: params.tags,
        timeoutMs,
        redirectsLeft: params.redirects ?? httpSettings.maxRedirects,
        responseType,
        callback:
          params.responseCallback === undefined
            ? httpSettings.responseCallback
            : params.responseCallback,
        jar,
        startedAt: performance.now(),
        timer: null,
        conn: null,
      };
      this.#dispatch(pending);
    });
  }

  /**
   * Closes every connection (VU interrupted or test over). Requests in flight end with an
   * interruption (the iteration unwinds; they are not counted, as the iteration is not).
   */
  closeAll(): void {
    const pending: Pending[] = [];
    for (const pool of this.#pools.values()) {
      pending.push(...pool.waiting);
      for (const conn of [...pool.all]) {
        const slot = slotOf(conn);
        if (slot.pending) pending.push(slot.pending);
        slot.pending = undefined;
        slot.pool = undefined;
        conn.destroy(null);
      }
    }
    this.#pools.clear();
    for (const p of pending) {
      if (p.timer) clearTimeout(p.timer);
      p.reject(new IterationAbort('interrupted', true));
    }
  }

  #encode(
    method: string,
    url: string,
    target: Target,
    body: unknown,
    params: RequestParams,
    jar: CookieJar | null,
    host: string | undefined,
  ): { bytes: Buffer; sent: SentRequestSource } {
    const encoded = encodeBody(body);
    const headers: Array<[string, string]> = [];
    const seen = new Set<string>();
    for (const [name, value] of Object.entries(params.headers ?? {})) {
      headers.push([name, String(value)]);
      seen.add(name.toLowerCase());
    }
    if (!seen.has('user-agent') && httpSettings.userAgent)
      headers.push(['User-Agent', httpSettings.userAgent]);
    if (encoded.contentType && !seen.has('content-type'))
      headers.push(['Content-Type', encoded.contentType]);
    const cookie = this.#cookieHeader(url, params, jar);
    if (cookie && !seen.has('cookie')) headers.push(['Cookie', cookie]);
    if (params.auth === 'basic' || (target.href !== url && /^[a-z]+:\/\/[^/]*@/.test(url))) {
      const u = new URL(url);
      if (u.username && !seen.has('authorization')) {
        headers.push([
          'Authorization',
          `Basic ${Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64')}`,
        ]);
      }
    }
    if (httpSettings.noConnectionReuse && !seen.has('connection'))
      headers.push(['Connection', 'close']);
    let head = `${method} ${target.path} HTTP/1.1\r\n`;
    if (!seen.has('host')) head += `Host: ${host ?? target.hostHeader}\r\n`;
    for (const [n, v] of headers) head += `${n}: ${v.replace(/[\r\n]/g, ' ')}\r\n`;
    const length = encoded.bytes?.length ?? 0;
    if (
      (encoded.bytes !== undefined ||
        method === 'POST' ||
        method === 'PUT' ||
        method === 'PATCH') &&
      !seen.has('content-length')
    ) {
      head += `Content-Length: ${length}\r\n`;
    }
    head += '\r\n';
    const headBytes = Buffer.from(head, 'latin1');
    const bytes =
      encoded.bytes && length > 0 ? Buffer.concat([headBytes, encoded.bytes]) : headBytes;
    return { bytes, sent: { method, url, headers, body: encoded.bytes } };
  }

  #cookieHeader(url: string, params: RequestParams, jar: CookieJar | null): string {
    const fromJar = jar && !jar.isEmpty ? jar.headerFor(url) : '';
    if (!params.cookies) return fromJar;
    const pairs = new Map<string, string>();
    for (const part of fromJar ? fromJar.split('; ') : []) {
      const eq = part.indexOf('=');
      pairs.set(part.slice(0, eq), part.slice(eq + 1));
    }
    for (const [name, spec] of Object.entries(params.cookies)) {
      const value = typeof spec === 'string' ? spec : spec.value;
      const replace = typeof spec === 'string' ? true : spec.replace !== false;
      if (replace || !pairs.has(name)) pairs.set(name, value);
    }
    return [...pairs].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  #pool(target: Target): OriginPool {
    const key = `${target.protocol}//${target.hostname}:${target.port}`;
    let pool = this.#pools.get(key);
    if (!pool) {
      pool = { all: [], idle: [], waiting: [] };
      this.#pools.set(key, pool);
    }
    return pool;
  }

  #dispatch(pending: Pending): void {
    const pool = this.#pool(pending.target);
    pending.timer = setTimeout(() => this.#timeout(pending), pending.timeoutMs);
    const idle = pool.idle.pop();
    if (idle?.canSend) return this.#send(idle, pending);
    if (pool.all.length < Math.max(1, httpSettings.batchPerHost)) {
      const conn = new HttpConnection(this.#nextConnectionId++, pending.target, this, {
        pipelining: 1,
        insecure: httpSettings.insecure,
        readBuffer,
        keepHeaders: true,
        keepBody: true,
      });
      pool.all.push(conn);
      slotOf(conn).pool = pool;
      pending.conn = conn;
      slotOf(conn).pending = pending;
      conn.connect();
      return;
    }
    pool.waiting.push(pending);
  }

  #send(conn: HttpConnection, pending: Pending): void {
    pending.conn = conn;
    slotOf(conn).pending = pending;
    conn.parser.keepBody = pending.responseType !== 'none';
    conn.send(pending.bytes, pending.method === 'HEAD', pending.startedAt, 0);
  }

  #timeout(pending: Pending): void {
    pending.timer = null;
    if (pending.conn) {
      pending.conn.destroy(requestTimeout());
      return;
    }
    const pool = this.#pool(pending.target);
    pool.waiting = pool.waiting.filter((p) => p !== pending);
    const now = performance.now();
    this.#finishFailed(pending, requestTimeout(), now - pending.startedAt);
  }

  // ---- ConnectionOwner ----

  onConnectionReady(conn: HttpConnection): void {
    const pending = slotOf(conn).pending;
    if (pending && pending.conn === conn) {
      this.#send(conn, pending);
      return;
    }
    this.#release(conn);
  }

  onResponse(conn: HttpConnection): void {
    const pending = takePending(conn);
    if (!pending) return;
    if (pending.timer) clearTimeout(pending.timer);
    pending.timer = null;
    pending.conn = null;
    const response = this.#buildResponse(conn, pending);
    this.#record(pending, response, conn);
    if (conn.canSend && !httpSettings.noConnectionReuse) this.#release(conn);
    else if (conn.isOpen && httpSettings.noConnectionReuse) conn.destroy(null);
    // Only a 3xx reads its headers here: building them for every response costs (lazy fields).
    const location =
      response.status >= 300 && response.status < 400 ? response.headers['Location'] : undefined;
    if (location && pending.redirectsLeft > 0) {
      this.#followRedirect(pending, response, location);
      return;
    }
    pending.resolve(response);
  }

  onRequestFailed(conn: HttpConnection, error: ClassifiedError): void {
    const pending = takePending(conn);
    if (!pending) return;
    this.#finishFailed(pending, error, conn.trail.duration);
  }

  onConnectionClosed(
    conn: HttpConnection,
    error: ClassifiedError | null,
    duringConnect: boolean,
  ): void {
    const slot = slotOf(conn);
    const pool = slot.pool;
    slot.pool = undefined;
    if (!pool) return;
    pool.idle = pool.idle.filter((c) => c !== conn);
    pool.all = pool.all.filter((c) => c !== conn);
    const pending = slotOf(conn).pending;
    if (pending && duringConnect && error) {
      slotOf(conn).pending = undefined;
      this.#finishFailed(pending, error, 0);
    }
    const next = pool.waiting.shift();
    if (next) {
      if (next.timer) clearTimeout(next.timer);
      this.#dispatch(next);
    }
  }

  #release(conn: HttpConnection): void {
    const pool = slotOf(conn).pool;
    if (!pool) return;
    const next = pool.waiting.shift();
    if (next) return this.#send(conn, next);
    pool.idle.push(conn);
  }

  #buildResponse(conn: HttpConnection, pending: Pending): Response {
    const parser = conn.parser;
    const response = new Response(pending.url, pending.sent, timingsFromTrail(conn.trail));
    response.status = parser.statusCode;
    response.proto = parser.httpMinor === 0 ? 'HTTP/1.0' : 'HTTP/1.1';
    response.remote_ip = pending.target.hostname;
    response.remote_port = pending.target.port;
    const head = parser.head;
    response.attachWire({
      head,
      trailers: parser.trailers,
      bodyChunks: pending.responseType === 'none' ? null : parser.bodyChunks,
      responseType: pending.responseType,
    });
    // The jar needs the cookies now; everything else is built when the script reads it.
    if (pending.jar && head && headHasField(head, 'set-cookie')) {
      const fields = readHeadFields(head).headers;
      const setCookies: string[] = [];
      for (let i = 0; i < fields.length; i += 2)
        if (fields[i] === 'set-cookie') setCookies.push(fields[i + 1]!);
      pending.jar.storeFromResponse(pending.url, setCookies);
    }
    return response;
  }

  #followRedirect(pending: Pending, response: Response, location: string): void {
    const nextUrl = new URL(location, pending.url).href;
    const method =
      response.status === 307 || response.status === 308
        ? pending.method
        : pending.method === 'HEAD'
          ? 'HEAD'
          : 'GET';
    const keepBody = method === pending.method;
    const params: RequestParams = {
      redirects: pending.redirectsLeft - 1,
      responseType: pending.responseType,
      responseCallback: pending.callback,
      jar: pending.jar,
      timeout: pending.timeoutMs,
      ...(pending.tags ? { tags: pending.tags } : {}),
    };
    void this.request(
      method,
      nextUrl,
      keepBody && pending.sent.body?.length ? pending.sent.body : undefined,
      params,
    ).then(pending.resolve);
  }

  #finishFailed(pending: Pending, error: ClassifiedError, durationMs: number): void {
    if (pending.timer) clearTimeout(pending.timer);
    pending.timer = null;
    pending.conn = null;
    const response = new Response(pending.url, pending.sent, {
      blocked: 0,
      connecting: 0,
      tls_handshaking: 0,
      sending: 0,
      waiting: 0,
      receiving: 0,
      duration: durationMs,
    });
    response.error = error.message;
    response.error_code = error.code;
    this.#recordFailure(pending, error, durationMs);
    pending.resolve(response);
  }

  #invalidUrl(method: string, url: string, error: unknown): Response {
    const response = new Response(
      url,
      { method, url, headers: [], body: undefined },
      {
        blocked: 0,
        connecting: 0,
        tls_handshaking: 0,
        sending: 0,
        waiting: 0,
        receiving: 0,
        duration: 0,
      },
    );
    response.error = `invalid URL: ${(error as Error).message}`;
    response.error_code = 1020;
    return response;
  }

  // ---- metrics ----

  #cache(pending: Pending): HttpSeriesCache {
    const vu = this.#vu();
    const rt = threadRuntime();
    // One-entry memo: a VU repeating the same request in the same context skips the key build.
    const memo = this.#memo;
    if (
      memo &&
      memo.registry === rt.registry &&
      memo.method === pending.method &&
      memo.url === pending.url &&
      memo.name === pending.name &&
      memo.callback === pending.callback &&
      memo.tags === pending.tags &&
      memo.group === vu.group &&
      memo.scenario === vu.scenario.name &&
      !hasOwnKeys(vu.tags)
    ) {
      return memo.cache;
    }
    const key = `${pending.method}\u0001${pending.url}\u0001${pending.name}\u0001${callbackId(pending.callback)}\u0001${contextKey(pending.tags, vu)}`;
    const httpCaches = caches(rt.registry).http;
    let cache = httpCaches.get(key);
    if (!cache) {
      const tags: Tags = {
        ...rt.testTags,
        ...vu.scenario.tags,
        ...vu.tags,
        ...(pending.tags ?? {}),
        method: pending.method,
        // Raw here: MetricRegistry redacts credentials and secret query values of every tag.
        url: pending.url,
        name: pending.name,
        group: vu.group,
        scenario: vu.scenario.name,
        proto: 'HTTP/1.1',
      };
      const cb = pending.callback;
      cache = new HttpSeriesCache(rt.registry, tags, cb ?? (() => true), false);
      httpCaches.set(key, cache);
    }
    // VU tags can change in place (exec.vu.tags), so only tag-less VUs use the memo.
    this.#memo = hasOwnKeys(vu.tags)
      ? undefined
      : {
          registry: rt.registry,
          method: pending.method,
          url: pending.url,
          name: pending.name,
          callback: pending.callback,
          tags: pending.tags,
          group: vu.group,
          scenario: vu.scenario.name,
          cache,
        };
    return cache;
  }

  #record(pending: Pending, response: Response, conn: HttpConnection): void {
    const trail = conn.trail;
    this.#cache(pending).forStatus(response.status).record(trail, 0);
    const net = this.#network();
    net.sent.add(trail.bytesSent);
    net.received.add(trail.bytesReceived);
  }

  #recordFailure(pending: Pending, error: ClassifiedError, durationMs: number): void {
    const trail = new TimingTrail();
    trail.duration = durationMs;
    this.#cache(pending).forError(error).record(trail, 0);
  }

  /** data_sent / data_received series of the VU's current scenario and group. */
  #network(): { sent: CounterSeries; received: CounterSeries } {
    const vu = this.#vu();
    const key = `${vu.scenario.name}\u0001${vu.group}`;
    const rt = threadRuntime();
    const netCaches = caches(rt.registry).net;
    let series = netCaches.get(key);
    if (!series) {
      const tags = { ...rt.testTags, scenario: vu.scenario.name, group: vu.group };
      series = {
        sent: rt.registry.counter(BUILTIN_METRICS.data_sent, tags),
        received: rt.registry.counter(BUILTIN_METRICS.data_received, tags),
      };
      netCaches.set(key, series);
    }
    return series;
  }
}

/** `host[:port]` of a URL as written (the Host header of a request sent elsewhere by a host rule). */
function originalHost(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}
