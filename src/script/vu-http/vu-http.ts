/**
 * A VU's HTTP client: keep-alive connections per origin (as each k6 VU has its own), one request
 * per connection at a time, timeouts, redirects, cookies, lazily decoded responses, and the built-in HTTP metrics
 * with k6's tags. Network failures never throw: they return a status-0 response with `error` and
 * `error_code` set, and are counted.
 *
 *   request() ──▶ origin pool: idle connection? ── yes ─▶ send
 *                      │ no: fewer than batchPerHost? ─▶ new connection ─▶ ready ─▶ send
 *                      └ else: wait in the pool's FIFO until a connection frees up
 *
 * A request the connection hands back after a keep-alive close (idempotent, no byte of its
 * response, see src/http/connection.ts) is sent once more on a new connection, under its original
 * timeout, and counted in `http_req_retries`. When the VU is interrupted or the test ends, its
 * requests still in flight are counted as `interrupted` (`timeout` when their timeout had
 * elapsed) before the iteration unwinds.
 */
import { STATUS_CODES } from 'node:http';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http2';
import { clientCertificateFor, type TlsOptions } from '../../config/tls-options.js';
import {
  type ConnectionOptions,
  type ConnectionOwner,
  HttpConnection,
  SendFlags,
} from '../../http/connection.js';
import {
  type ClassifiedError,
  interruptedConnecting,
  interruptedRequest,
  isIdempotentMethod,
  requestTimeout,
  unfinishedAtEnd,
} from '../../http/errors.js';
import { http2Headers } from '../../http/h2-connection.js';
import type { ExpectedStatus } from '../../http/http-metrics.js';
import { headHasField, readHeadFields } from '../../http/response-parser.js';
import { parseTarget, type Target } from '../../http/target.js';
import { TimingTrail } from '../../http/timing-trail.js';
import { parseDurationMs } from '../../util/duration.js';
import { hasKeys } from '../../util/has-keys.js';
import { threadRuntime } from '../runtime/thread-runtime.js';
import { IterationAbort, type VuState } from '../runtime/vu-state.js';
import { CookieJar } from './cookie-jar.js';
import {
  DIGEST_CHALLENGE_EXPECTED,
  digestAuthorization,
  parseDigestChallenge,
} from './digest-auth.js';
import {
  type H2Answer,
  H2Origin,
  type H2OriginOwner,
  type Http1Handoff,
  knownHttp1,
} from './h2-origin.js';
import { httpSettings } from './http-settings.js';
import { encodeBody } from './request-body.js';
import { assertSupportedParams } from './request-checks.js';
import { Response, type SentRequestSource, timingsFromTrail } from './response.js';
import { VuSeries } from './series-cache.js';
import { WireBytes } from './wire-bytes.js';

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
/** The params of a request without any (shared: no object per request; never written to). */
const NO_PARAMS: RequestParams = Object.freeze({});
/** A request's HTTP/2 headers until it goes over HTTP/2 (replaced then, never written to). */
const NO_H2_HEADERS: OutgoingHttpHeaders = Object.freeze({});
const targets = new Map<string, Target>();

function targetFor(url: string): Target {
  let target = targets.get(url);
  if (!target) {
    target = parseTarget(url);
    if (targets.size > 10_000) targets.clear();
    targets.set(url, target);
  }
  return target;
}

/** A request's bytes on the wire and its `response.request` source (both read-only once made). */
interface EncodedRequest {
  bytes: Buffer;
  sent: SentRequestSource;
}

/** Encodings of plain requests (see VuHttp's #encode) by target and method, with the settings used. */
const plainRequests = new WeakMap<
  Target,
  Map<string, EncodedRequest & { userAgent: string; noConnectionReuse: boolean }>
>();

/** The kept encoding of a plain request (see VuHttp's #request), if made with today's settings. */
function plainEncoding(method: string, target: Target): EncodedRequest | undefined {
  const cached = plainRequests.get(target)?.get(method);
  return cached !== undefined &&
    cached.userAgent === httpSettings.userAgent &&
    cached.noConnectionReuse === httpSettings.noConnectionReuse
    ? cached
    : undefined;
}

/** Keeps `encoded` as the encoding of the plain request `method` `target` (made once per both). */
function keepPlainEncoding(
  method: string,
  target: Target,
  encoded: EncodedRequest,
): EncodedRequest {
  let byMethod = plainRequests.get(target);
  if (!byMethod) {
    byMethod = new Map();
    plainRequests.set(target, byMethod);
  }
  byMethod.set(method, {
    ...encoded,
    userAgent: httpSettings.userAgent,
    noConnectionReuse: httpSettings.noConnectionReuse,
  });
  return encoded;
}

const rewrittenTargets = new Map<string, Target>();

/**
 * The target of a request a host rule sent elsewhere: TLS still names (SNI) and verifies the
 * host written in the script, as k6 does with `hosts` (only the address changes).
 */
function rewrittenTarget(original: string, finalUrl: string): Target {
  const key = `${original}\u0001${finalUrl}`;
  let target = rewrittenTargets.get(key);
  if (!target) {
    const base = targetFor(finalUrl);
    const name = base.protocol === 'https:' ? originalServername(original) : undefined;
    target = name === undefined ? base : { ...base, servername: name };
    if (rewrittenTargets.size > 10_000) rewrittenTargets.clear();
    rewrittenTargets.set(key, target);
  }
  return target;
}

/** The host name of a URL for SNI (undefined for IP literals and unparsable URLs). */
function originalServername(url: string): string | undefined {
  try {
    const { hostname } = new URL(url);
    return /^[\d.]+$/.test(hostname) || hostname.startsWith('[') ? undefined : hostname;
  } catch {
    return undefined;
  }
}

interface Pending {
  resolve: (response: Response) => void;
  reject: (error: Error) => void;
  method: string;
  url: string;
  target: Target;
  bytes: Buffer;
  /** {@link SendFlags} of the request (HEAD, idempotent, retry). */
  flags: number;
  sent: SentRequestSource;
  name: string;
  tags: Record<string, string> | undefined;
  timeoutMs: number;
  redirectsLeft: number;
  responseType: 'text' | 'binary' | 'none';
  callback: ExpectedStatus | null;
  jar: CookieJar | null;
  /** When the request was made (its timeout counts from here). */
  startedAt: number;
  /** When the current attempt became ready to send (`blocked` starts here; reset by a retry). */
  readyAt: number;
  /** True while the request's timeout runs (it is in the VU's {@link RequestTimeouts}). */
  timed: boolean;
  /** Its index in the {@link RequestTimeouts} list while `timed`. */
  timedIndex: number;
  /** When the timeout expires (performance.now() time; set when it starts). */
  deadline: number;
  conn: HttpConnection | null;
  /** The Host header as sent (`:authority` over HTTP/2). */
  hostHeader: string;
  /** The protocol the request went over (the `proto` tag). */
  proto: 'HTTP/1.1' | 'HTTP/2.0';
  /** Over HTTP/2: the origin session carrying it, and its request headers and body. */
  h2: H2Origin<Pending> | null;
  h2Headers: OutgoingHttpHeaders;
  h2Body: Buffer | undefined;
  keepBody: boolean;
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
export class VuHttp implements ConnectionOwner, H2OriginOwner<Pending> {
  /** The VU's cookie jar (k6: `http.cookieJar()`). */
  readonly jar = new CookieJar();
  readonly #vu: () => VuState;
  readonly #pools = new Map<string, OriginPool>();
  /** The pool of each (cached) target object. */
  #poolOf = new WeakMap<Target, OriginPool>();
  /** The metric series this VU's requests record into. */
  readonly #series: VuSeries;
  /** While closeAll runs: the requests it cut (they are rejected, not resolved). */
  #cut: Pending[] | undefined;

  #nextConnectionId = 0;
  /** HTTP/2 sessions by origin, and the requests on them (see h2-origin.ts). */
  readonly #h2 = new Map<string, H2Origin<Pending>>();
  readonly #h2Requests = new Set<Pending>();
  /** The TCP sockets of this VU's WebSocket and gRPC connections (`data_sent`/`data_received`). */
  readonly wire: WireBytes;
  /** The timeouts of this VU's requests in flight (one timer for all of them). */
  readonly #timeouts = new RequestTimeouts((pending) => this.#timeout(pending));

  constructor(vu: () => VuState) {
    this.#vu = vu;
    this.#series = new VuSeries(vu);
    this.wire = new WireBytes(() => this.#series.network());
  }

  /** Sends a request and resolves with its response (never rejects for network errors). */
  request(
    method: string,
    url: string,
    body?: unknown,
    params: RequestParams = NO_PARAMS,
  ): Promise<Response> {
    if (params.auth === 'digest') return this.#digest(method, url, body, params);
    return this.#request(method, url, body, params);
  }

  /**
   * `auth: 'digest'` (see digest-auth.ts): once without credentials, with only a 401 expected,
   * then, when the 401 carries a Digest challenge, with the computed Authorization header and
   * the request's own expected statuses. Both are measured, as in k6.
   */
  async #digest(
    method: string,
    url: string,
    body: unknown,
    params: RequestParams,
  ): Promise<Response> {
    const first = await this.#request(method, url, body, {
      ...params,
      responseCallback: DIGEST_CHALLENGE_EXPECTED,
    });
    const challenge =
      first.status === 401 ? parseDigestChallenge(first.headers['Www-Authenticate']) : undefined;
    if (!challenge) return first;
    let parsed: URL;
    try {
      parsed = new URL(String(url));
    } catch {
      return first;
    }
    const authorization = digestAuthorization(
      challenge,
      method.toUpperCase(),
      `${parsed.pathname}${parsed.search}`,
      decodeURIComponent(parsed.username),
      decodeURIComponent(parsed.password),
    );
    return this.#request(method, url, body, {
      ...params,
      headers: { ...(params.headers ?? {}), Authorization: authorization },
    });
  }

  #request(method: string, url: string, body: unknown, params: RequestParams): Promise<Response> {
    if (this.#vu().signal.aborted) return Promise.reject(new IterationAbort('interrupted', true));
    const rt = threadRuntime();
    // Host rules (--host, options.hosts) change where the request goes, not what it is: the URL,
    // its tags, cookies and the Host header stay the original's (k6 keeps them too).
    assertSupportedParams(params);
    const original = String(url);
    const finalUrl = rt.rewriteUrl(original);
    let target: Target;
    try {
      target = finalUrl === original ? targetFor(finalUrl) : rewrittenTarget(original, finalUrl);
    } catch (error) {
      return Promise.resolve(this.#invalidUrl(method, String(url), error));
    }
    const upper = method.toUpperCase();
    const jar = params.jar === undefined ? this.jar : params.jar;
    const host = finalUrl === original ? undefined : originalHost(original);
    // A request with nothing of its own (no body, headers, cookies, credentials, host rule) is
    // the same bytes every time: encoded once per URL and method.
    const plain =
      (body === undefined || body === null) &&
      !hasKeys(params.headers) &&
      params.cookies === undefined &&
      params.auth === undefined &&
      (jar === null || jar.isEmpty) &&
      host === undefined &&
      (target.href === original || !original.includes('@'));
    // No closure or lookup beyond the kept encoding on the common path.
    let encoded = plain ? plainEncoding(upper, target) : undefined;
    if (encoded === undefined) {
      encoded = this.#encode(upper, original, target, body, params, jar, host);
      if (plain) keepPlainEncoding(upper, target, encoded);
    }
    const { bytes, sent } = encoded;
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
        flags:
          (upper === 'HEAD' ? SendFlags.Head : 0) |
          (isIdempotentMethod(upper) ? SendFlags.Idempotent : 0),
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
        startedAt: 0,
        readyAt: 0,
        timed: false,
        timedIndex: -1,
        deadline: 0,
        conn: null,
        hostHeader: host ?? target.hostHeader,
        proto: 'HTTP/1.1',
        h2: null,
        h2Headers: NO_H2_HEADERS,
        h2Body: undefined,
        keepBody: responseType !== 'none',
      };
      pending.startedAt = pending.readyAt = performance.now();
      this.#dispatch(pending);
    });
  }

  /**
   * Closes every connection (VU interrupted or test over). Requests in flight are counted as
   * `interrupted` (or `timeout` when their timeout had elapsed), then end with an interruption
   * so the iteration unwinds (the iteration is not counted, as in k6).
   */
  closeAll(): void {
    const cut: Pending[] = [];
    this.#cut = cut;
    try {
      // Origins that still carry requests: the current one per origin, and also draining (GOAWAY)
      // or single-use sessions, which the map no longer holds.
      const carrying = new Set<H2Origin<Pending>>();
      for (const p of this.#h2Requests) {
        if (p.h2) carrying.add(p.h2);
        this.#recordUnsent(p, unfinishedAtEnd(performance.now() - p.startedAt, p.timeoutMs));
        p.h2 = null;
        cut.push(p);
      }
      this.#h2Requests.clear();
      for (const origin of [...this.#h2.values(), ...carrying]) origin.destroy();
      this.#h2.clear();
      for (const pool of this.#pools.values()) {
        for (const p of pool.waiting) {
          this.#recordUnsent(p, unfinishedAtEnd(performance.now() - p.startedAt, p.timeoutMs));
          cut.push(p);
        }
        pool.waiting = [];
        for (const conn of [...pool.all]) {
          const slot = slotOf(conn);
          const p = slot.pending;
          if (p && conn.isConnecting) {
            slot.pending = undefined;
            this.#recordUnsent(p, interruptedConnecting());
            cut.push(p);
          }
          slot.pool = undefined;
          // A request on the connection reports through onRequestFailed, which sees #cut.
          conn.destroy(interruptedRequest());
        }
      }
    } finally {
      this.#cut = undefined;
    }
    this.#pools.clear();
    this.#poolOf = new WeakMap();
    for (const p of cut) {
      this.#timeouts.stop(p);
      p.reject(new IterationAbort('interrupted', true));
    }
    this.#timeouts.clearIfIdle();
  }

  #encode(
    method: string,
    url: string,
    target: Target,
    body: unknown,
    params: RequestParams,
    jar: CookieJar | null,
    host: string | undefined,
  ): EncodedRequest {
    const encoded = encodeBody(body, threadRuntime().warn);
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
    // Credentials in the URL mean basic auth, unless the request asked for digest (digest-auth.ts).
    if (
      params.auth !== 'digest' &&
      (params.auth === 'basic' || (target.href !== url && /^[a-z]+:\/\/[^/]*@/.test(url)))
    ) {
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
    // Targets are cached per URL, so most requests find their pool without building the key.
    let pool = this.#poolOf.get(target);
    if (pool) return pool;
    const key = `${target.protocol}//${target.hostname}:${target.port}/${target.servername ?? ''}`;
    pool = this.#pools.get(key);
    if (!pool) {
      pool = { all: [], idle: [], waiting: [] };
      this.#pools.set(key, pool);
    }
    this.#poolOf.set(target, pool);
    return pool;
  }

  /** Sends `pending` on an idle or new connection (`fresh`: a new one, for a retry), or queues it. */
  #dispatch(pending: Pending, fresh = false): void {
    // The timeout covers the whole request: waiting in the queue and a retry included.
    if (!pending.timed) this.#timeouts.start(pending);
    const target = pending.target;
    if (target.protocol === 'https:' && httpSettings.http2) {
      const key = `${target.hostname}:${target.port}`;
      if (!knownHttp1(key)) return this.#dispatchH2(pending, key);
    }
    const pool = this.#pool(pending.target);
    if (!fresh) {
      const idle = pool.idle.pop();
      if (idle?.canSend) return this.#send(idle, pending);
    }
    if (pool.all.length < Math.max(1, httpSettings.batchPerHost)) {
      const conn = this.#newConnection(pool, pending.target);
      pending.conn = conn;
      slotOf(conn).pending = pending;
      conn.connect();
      return;
    }
    pool.waiting.push(pending);
  }

  /** A new (unconnected) HTTP/1.1 connection to `target`, counted in `pool`. */
  #newConnection(pool: OriginPool, target: Target): HttpConnection {
    const tls = httpSettings.tls ? tlsConnectOptions(httpSettings.tls, target) : undefined;
    const conn = new HttpConnection(this.#nextConnectionId++, target, this, {
      pipelining: 1,
      insecure: httpSettings.insecure,
      ...(tls ? { tls } : {}),
      requestOcsp: true,
      readBuffer,
      keepHeaders: true,
      keepBody: true,
    });
    pool.all.push(conn);
    slotOf(conn).pool = pool;
    return conn;
  }

  /** Sends `pending` as a stream on the VU's HTTP/2 session to its origin (one per origin). */
  #dispatchH2(pending: Pending, key: string): void {
    let origin = this.#h2.get(key);
    if (origin === undefined || !origin.usable) {
      const tls = httpSettings.tls
        ? tlsConnectOptions(httpSettings.tls, pending.target)
        : undefined;
      origin = new H2Origin<Pending>(
        key,
        pending.target,
        this,
        httpSettings.insecure,
        tls,
        readBuffer,
        httpSettings.noConnectionReuse,
      );
      this.#h2.set(key, origin);
    }
    pending.h2 = origin;
    pending.proto = 'HTTP/2.0';
    pending.h2Headers = http2Headers(
      pending.target,
      pending.method,
      [['host', pending.hostHeader], ...pending.sent.headers],
      httpSettings.userAgent,
    );
    pending.h2Body =
      pending.sent.body && pending.sent.body.length > 0 ? pending.sent.body : undefined;
    this.#h2Requests.add(pending);
    origin.send(pending);
  }

  // ---- H2OriginOwner ----

  onAnswer(pending: Pending, answer: H2Answer): void {
    const origin = pending.h2;
    this.#h2Requests.delete(pending);
    pending.h2 = null;
    this.#timeouts.stop(pending);
    const response = new Response(pending.url, pending.sent, timingsFromTrail(answer.trail));
    response.status = answer.status;
    response.proto = 'HTTP/2.0';
    response.remote_ip = pending.target.hostname;
    response.remote_port = pending.target.port;
    if (origin && origin.tlsProtocol !== '') {
      response.tls_version = k6TlsVersion(origin.tlsProtocol);
      response.tls_cipher_suite = k6CipherSuite(origin.tlsCipher);
    }
    const head = http2Head(answer.status, answer.headers);
    response.attachWire(
      head,
      http2Trailers(answer.trailers),
      pending.responseType === 'none' ? null : answer.chunks,
      pending.responseType,
    );
    const setCookie = answer.headers['set-cookie'];
    if (pending.jar && setCookie) pending.jar.storeFromResponse(pending.url, setCookie);
    this.#recordTrail(pending, response, answer.trail);
    this.#complete(pending, response);
  }

  onFailed(pending: Pending, error: ClassifiedError, trail: TimingTrail): void {
    this.#h2Requests.delete(pending);
    pending.h2 = null;
    this.#finishFailed(pending, error, trail);
  }

  onRetry(pending: Pending): void {
    this.#h2Requests.delete(pending);
    pending.h2 = null;
    pending.flags |= SendFlags.Retry;
    pending.readyAt = performance.now();
    this.#series.forRequest(pending).countRetry();
    this.#dispatch(pending, true);
  }

  onHttp1(handoff: Http1Handoff, requests: Pending[]): void {
    for (const p of requests) {
      this.#h2Requests.delete(p);
      p.h2 = null;
      p.proto = 'HTTP/1.1';
    }
    // The connection joins the origin's pool as a new one: the first waiting request goes on it
    // (and reports its handshake), the others are dispatched as usual (batchPerHost).
    const conn = this.#newConnection(this.#pool(handoff.target), handoff.target);
    const first = requests[0];
    if (first !== undefined) {
      first.conn = conn;
      slotOf(conn).pending = first;
    }
    handoff.reader = conn.adopt(
      handoff.socket,
      handoff.connectingMs,
      handoff.tlsMs,
      handoff.ocspResponse,
    );
    for (let i = 1; i < requests.length; i++) this.#dispatch(requests[i]!);
  }

  onClosed(origin: H2Origin<Pending>): void {
    if (this.#h2.get(origin.key) === origin) this.#h2.delete(origin.key);
  }

  #send(conn: HttpConnection, pending: Pending): void {
    pending.conn = conn;
    slotOf(conn).pending = pending;
    conn.parser.keepBody = pending.responseType !== 'none';
    conn.send(pending.bytes, pending.flags, pending.readyAt, 0);
  }

  #timeout(pending: Pending): void {
    if (pending.h2?.cancel(pending, requestTimeout(), false)) return;
    if (pending.h2) {
      // Waiting for its session to come up: failed with nothing sent.
      this.#h2Requests.delete(pending);
      pending.h2 = null;
      this.#finishFailed(pending, requestTimeout(), null);
      return;
    }
    if (pending.conn) {
      pending.conn.destroy(requestTimeout());
      return;
    }
    const pool = this.#pool(pending.target);
    pool.waiting = pool.waiting.filter((p) => p !== pending);
    this.#finishFailed(pending, requestTimeout(), null);
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
    this.#timeouts.stop(pending);
    pending.conn = null;
    const response = this.#buildResponse(conn, pending);
    this.#recordTrail(pending, response, conn.trail);
    if (conn.canSend && !httpSettings.noConnectionReuse) this.#release(conn);
    else if (conn.isOpen && httpSettings.noConnectionReuse) conn.destroy(null);
    this.#complete(pending, response);
  }

  /** Follows a redirect or resolves the request with its response. */
  #complete(pending: Pending, response: Response): void {
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
    if (this.#cut) {
      const elapsed = performance.now() - pending.startedAt;
      const cause =
        error.errorClass === 'interrupted' ? unfinishedAtEnd(elapsed, pending.timeoutMs) : error;
      this.#recordFailure(pending, cause, conn.trail);
      this.#cut.push(pending);
      return;
    }
    this.#finishFailed(pending, error, conn.trail);
  }

  onRequestRetry(conn: HttpConnection, error: ClassifiedError): void {
    const pending = takePending(conn);
    if (!pending) return;
    if (this.#cut) return this.onRequestFailed(conn, error);
    pending.conn = null;
    pending.flags |= SendFlags.Retry;
    // `blocked` of the retry runs from here; the timeout keeps counting from the first attempt.
    pending.readyAt = performance.now();
    this.#series.forRequest(pending).countRetry();
    this.#dispatch(pending, true);
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
      this.#finishFailed(pending, error, null);
    }
    const next = pool.waiting.shift();
    if (next) this.#dispatch(next);
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
    if (conn.tlsProtocol !== '') {
      response.tls_version = k6TlsVersion(conn.tlsProtocol);
      response.tls_cipher_suite = k6CipherSuite(conn.tlsCipher);
      response.setStapledOcsp(conn.ocspResponse);
    }
    const head = parser.head;
    response.attachWire(
      head,
      parser.trailers,
      pending.responseType === 'none' ? null : parser.bodyChunks,
      pending.responseType,
    );
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

  /**
   * Ends a request that got no response: counted with `error`, resolved with a status-0 response.
   * `trail` is the connection's trail of the attempt, or null when nothing was written (a dial
   * error, a timeout while queued): then the time waited is `blocked`, as nothing was sent.
   */
  #finishFailed(pending: Pending, error: ClassifiedError, trail: TimingTrail | null): void {
    this.#timeouts.stop(pending);
    pending.conn = null;
    const used = trail ?? unsentTrail(pending);
    const response = new Response(pending.url, pending.sent, timingsFromTrail(used));
    response.error = error.message;
    response.error_code = error.code;
    this.#recordFailure(pending, error, used);
    pending.resolve(response);
  }

  /** Counts a request that failed before it was written (see {@link unsentTrail}). */
  #recordUnsent(pending: Pending, error: ClassifiedError): void {
    this.#recordFailure(pending, error, unsentTrail(pending));
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

  #recordTrail(pending: Pending, response: Response, trail: TimingTrail): void {
    this.#series.forRequest(pending).forStatus(response.status).record(trail, 0);
    const net = this.#series.network();
    net.sent.add(trail.bytesSent);
    net.received.add(trail.bytesReceived);
  }

  #recordFailure(pending: Pending, error: ClassifiedError, trail: TimingTrail): void {
    this.#series.forRequest(pending).forError(error).record(trail, 0);
    if (trail.bytesSent > 0 || trail.bytesReceived > 0) {
      const net = this.#series.network();
      net.sent.add(trail.bytesSent);
      net.received.add(trail.bytesReceived);
    }
  }
}

/**
 * The timeouts of one VU's requests: one timer per VU instead of a timer per request (a
 * request's Timeout, its insertion and removal, and the async hooks of its creation cost more
 * than the rest of a scripted GET's bookkeeping). The timer is set for the earliest deadline and
 * stays set while requests come and go: when it fires, it ends the requests whose deadline has
 * passed and is set again for the next one. It is unref'd: a request in flight keeps the process
 * alive through its socket, not through its timeout.
 */
class RequestTimeouts {
  /** The requests whose timeout runs, in no order (removal swaps in the last one). */
  readonly #inFlight: Pending[] = [];
  readonly #expire: (pending: Pending) => void;
  #timer: NodeJS.Timeout | null = null;
  /** When {@link #timer} fires (performance.now() time). */
  #timerAt = 0;

  constructor(expire: (pending: Pending) => void) {
    this.#expire = expire;
  }

  /** Starts `pending`'s timeout (`timeoutMs` from when the request was made). */
  start(pending: Pending): void {
    pending.timed = true;
    pending.deadline = pending.startedAt + pending.timeoutMs;
    pending.timedIndex = this.#inFlight.length;
    this.#inFlight.push(pending);
    this.#arm(pending.deadline);
  }

  /** Stops `pending`'s timeout (it got an answer or failed otherwise); no-op when not running. */
  stop(pending: Pending): void {
    if (!pending.timed) return;
    pending.timed = false;
    const last = this.#inFlight.pop()!;
    if (last !== pending) {
      this.#inFlight[pending.timedIndex] = last;
      last.timedIndex = pending.timedIndex;
    }
    pending.timedIndex = -1;
  }

  /** Clears the timer when no request is in flight (the VU's connections were closed). */
  clearIfIdle(): void {
    if (this.#inFlight.length > 0 || !this.#timer) return;
    clearTimeout(this.#timer);
    this.#timer = null;
  }

  #arm(deadline: number): void {
    if (this.#timer && this.#timerAt <= deadline) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timerAt = deadline;
    // Whole milliseconds: Node keeps one timer list per distinct duration.
    this.#timer = setTimeout(this.#fire, Math.max(0, Math.ceil(deadline - performance.now())));
    this.#timer.unref();
  }

  readonly #fire = (): void => {
    this.#timer = null;
    // Timers count whole milliseconds of the loop's clock: a deadline within 1 ms has passed.
    const now = performance.now() + 1;
    // Expired ones end in the order of their deadlines, as their own timers would have fired.
    const expired = this.#inFlight.filter((p) => p.deadline <= now);
    expired.sort((a, b) => a.deadline - b.deadline);
    for (const pending of expired) {
      if (!pending.timed) continue;
      this.stop(pending);
      this.#expire(pending);
    }
    // Set again for the earliest deadline left (expiring may have started requests: redirects).
    let earliest = Number.POSITIVE_INFINITY;
    for (const pending of this.#inFlight) earliest = Math.min(earliest, pending.deadline);
    if (earliest !== Number.POSITIVE_INFINITY) this.#arm(earliest);
  };
}

/** Trailer fields as the HTTP/1.1 parser keeps them: `[name, value, name, value, …]`, lower-case names. */
function http2Trailers(trailers: IncomingHttpHeaders | null): string[] {
  const out: string[] = [];
  if (trailers === null) return out;
  for (const [name, value] of Object.entries(trailers)) {
    if (name.startsWith(':') || value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) out.push(name, v);
  }
  return out;
}

/** A response head as HTTP/1.1 would carry it (status line `HTTP/2.0 200 OK`), for the lazy fields. */
function http2Head(status: number, headers: IncomingHttpHeaders): Buffer {
  let head = `HTTP/2.0 ${status} ${STATUS_CODES[status] ?? ''}\r\n`;
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith(':') || value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) head += `${name}: ${v}\r\n`;
  }
  return Buffer.from(`${head}\r\n`, 'latin1');
}

/** `TLSv1.3` -> k6's `tls1.3`. */
function k6TlsVersion(protocol: string): string {
  return protocol === 'TLSv1' ? 'tls1.0' : protocol.replace(/^TLSv/, 'tls');
}

/** An IANA cipher-suite name as k6 (Go) names it: Go drops `_SHA256` from the ChaCha20 suites of TLS 1.2. */
function k6CipherSuite(name: string): string {
  return /^TLS_ECDHE_(RSA|ECDSA)_WITH_CHACHA20_POLY1305_SHA256$/.test(name)
    ? name.slice(0, -'_SHA256'.length)
    : name;
}

/** node:tls options of k6's TLS options for a connection to `target` (client certificate by host). */
function tlsConnectOptions(tls: TlsOptions, target: Target): ConnectionOptions['tls'] {
  const cert =
    target.protocol === 'https:' ? clientCertificateFor(tls, target.hostname) : undefined;
  return {
    ...(tls.minVersion ? { minVersion: tls.minVersion } : {}),
    ...(tls.maxVersion ? { maxVersion: tls.maxVersion } : {}),
    ...(tls.ciphers ? { ciphers: tls.ciphers } : {}),
    ...(cert ? { cert: cert.cert, key: cert.key } : {}),
    ...(cert?.password !== undefined ? { passphrase: cert.password } : {}),
  };
}

/** The trail of a request that was never written: the time since it was made is `blocked`. */
function unsentTrail(pending: Pending): TimingTrail {
  const trail = new TimingTrail();
  const now = performance.now();
  trail.blocked = now - pending.readyAt;
  trail.queuedAt = pending.readyAt;
  trail.sendStart = now;
  trail.endAt = now;
  return trail;
}

/** `host[:port]` of a URL as written (the Host header of a request sent elsewhere by a host rule). */
function originalHost(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}
