/**
 * The response object scripts receive, shaped like k6's: status, headers (canonical names),
 * body, json(selector), timings (k6 semantics), cookies, error and error_code, request.
 */

import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import { type OcspInfo, parseOcspResponse } from '../../http/ocsp.js';
import { type HeadFields, headHasField, readHeadFields } from '../../http/response-parser.js';
import type { TimingTrail } from '../../http/timing-trail.js';
import { appendTo } from '../../util/append-to.js';
import { parseHTML, type Selection } from '../html/selection.js';
import { threadRuntime } from '../runtime/thread-runtime.js';
import { requireVu } from '../runtime/vu-state.js';
import { responseCookies } from './cookie-jar.js';
import { selectJson } from './json-select.js';
import { encodeForm } from './request-body.js';
import type { RequestParams } from './vu-http.js';

/** k6's `timings`, in milliseconds. */
export interface ResponseTimings {
  blocked: number;
  connecting: number;
  tls_handshaking: number;
  sending: number;
  waiting: number;
  receiving: number;
  duration: number;
}

/** A cookie as k6 exposes it in `response.cookies`. */
export interface ResponseCookie {
  name: string;
  value: string;
  domain: string;
  path: string;
  http_only: boolean;
  secure: boolean;
  max_age: number;
  expires: number;
}

/** The request as sent (`response.request`). */
export interface SentRequest {
  method: string;
  url: string;
  headers: Record<string, string[]>;
  body: string;
  cookies: Record<string, Array<{ name: string; value: string; replace: boolean }>>;
}

/** Canonicalises a header name the way Go does: `content-type` -> `Content-Type`. */
export function canonicalHeaderName(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
}

/** Copies a timing trail into k6's `timings` shape. */
export function timingsFromTrail(trail: TimingTrail): ResponseTimings {
  return {
    blocked: trail.blocked,
    connecting: trail.connecting,
    tls_handshaking: trail.tlsHandshaking,
    sending: trail.sending,
    waiting: trail.waiting,
    receiving: trail.receiving,
    duration: trail.duration,
  };
}

/** The request as the client sent it, turned into k6's `response.request` on first access. */
export interface SentRequestSource {
  method: string;
  url: string;
  headers: ReadonlyArray<readonly [string, string]>;
  body: Buffer | undefined;
}

const canonicalNames = new Map<string, string>();
/** Trailers of a response that had none (shared, never written to). */
const NO_TRAILERS: readonly string[] = Object.freeze([]);

/** {@link canonicalHeaderName}, cached: header names repeat on every response. */
function canonical(name: string): string {
  let value = canonicalNames.get(name);
  if (value === undefined) {
    value = canonicalHeaderName(name);
    if (canonicalNames.size < 2000) canonicalNames.set(name, value);
  }
  return value;
}

/**
 * A response (or a failed request: status 0 with `error` and `error_code`). Headers, body,
 * cookies, status text and the sent request are built from the kept wire bytes the first time
 * a script reads them, so responses nobody inspects cost no string building.
 */
export class Response {
  status = 0;
  /** `HTTP/1.1`, `HTTP/1.0` or `HTTP/2.0` from the response; '' when the request got none (k6). */
  proto = '';
  url: string;
  error = '';
  error_code = 0;
  remote_ip = '';
  remote_port = 0;
  /** Negotiated TLS version as k6 names it (`tls1.3`); '' over plain HTTP. */
  tls_version = '';
  /** Negotiated cipher suite as k6 (Go) names it; '' over plain HTTP. */
  tls_cipher_suite = '';
  timings: ResponseTimings;
  // What the response keeps from the wire until a script asks for its fields (fields of the
  // response itself, not an object per response: set once by attachWire).
  #head: Buffer | null = null;
  #trailers: readonly string[] = NO_TRAILERS;
  #bodyChunks: readonly Buffer[] | null = null;
  #responseType: 'text' | 'binary' | 'none' = 'none';
  #fields: HeadFields | undefined;
  #headers: Record<string, string> | undefined;
  #body: string | ArrayBuffer | null | undefined;
  #cookies: Record<string, ResponseCookie[]> | undefined;
  #statusText: string | undefined;
  #request: SentRequest | undefined;
  #requestSource: SentRequestSource | undefined;
  #parsed: { value: unknown } | undefined;

  constructor(url: string, request: SentRequestSource, timings: ResponseTimings) {
    this.url = url;
    this.#requestSource = request;
    this.timings = timings;
  }

  /**
   * Keeps the wire bytes the lazy fields are built from (the client calls it once): the response
   * head, trailer fields (name, value, ...), body chunks (null when discarded) and how the script
   * wants the body.
   */
  attachWire(
    head: Buffer | null,
    trailers: readonly string[],
    bodyChunks: readonly Buffer[] | null,
    responseType: 'text' | 'binary' | 'none',
  ): void {
    this.#head = head;
    this.#trailers = trailers;
    this.#bodyChunks = bodyChunks;
    this.#responseType = responseType;
  }

  #headFields(): HeadFields {
    this.#fields ??= this.#head ? readHeadFields(this.#head) : { statusText: '', headers: [] };
    return this.#fields;
  }

  /** Header fields (canonical names, repeated fields joined with ", "), trailers included. */
  get headers(): Record<string, string> {
    if (!this.#headers) {
      const headers: Record<string, string> = {};
      const add = (list: readonly string[]) => {
        for (let i = 0; i < list.length; i += 2) {
          const key = canonical(list[i]!);
          const value = list[i + 1]!;
          headers[key] = headers[key] === undefined ? value : `${headers[key]}, ${value}`;
        }
      };
      add(this.#headFields().headers);
      add(this.#trailers);
      this.#headers = headers;
    }
    return this.#headers;
  }
  set headers(value: Record<string, string>) {
    this.#headers = value;
  }

  /** `200 OK` (code and reason phrase). */
  get status_text(): string {
    this.#statusText ??= this.status === 0 ? '' : `${this.status} ${this.#headFields().statusText}`;
    return this.#statusText;
  }
  set status_text(value: string) {
    this.#statusText = value;
  }

  /** The body: text (UTF-8), an ArrayBuffer for `responseType: 'binary'`, null when discarded. */
  get body(): string | ArrayBuffer | null {
    if (this.#body === undefined) this.#body = this.#decodeBody();
    return this.#body;
  }
  set body(value: string | ArrayBuffer | null) {
    this.#body = value;
  }

  /** Cookies the response set, by name (k6's shape). */
  get cookies(): Record<string, ResponseCookie[]> {
    if (!this.#cookies) {
      const fields = this.#headFields().headers;
      const setCookies: string[] = [];
      for (let i = 0; i < fields.length; i += 2)
        if (fields[i] === 'set-cookie') setCookies.push(fields[i + 1]!);
      this.#cookies = responseCookies(setCookies);
    }
    return this.#cookies;
  }
  set cookies(value: Record<string, ResponseCookie[]>) {
    this.#cookies = value;
  }

  /** The request as sent (`response.request`). */
  get request(): SentRequest {
    if (!this.#request) {
      const source = this.#requestSource;
      const headers: Record<string, string[]> = {};
      for (const [n, v] of source?.headers ?? []) appendTo(headers, canonical(n.toLowerCase()), v);
      this.#request = {
        method: source?.method ?? '',
        url: source?.url ?? this.url,
        headers,
        body: source?.body ? source.body.toString('latin1') : '',
        cookies: {},
      };
    }
    return this.#request;
  }
  set request(value: SentRequest) {
    this.#request = value;
  }

  /** All fields as a plain object (JSON.stringify(response) shows what k6 shows). */
  toJSON(): Record<string, unknown> {
    return {
      status: this.status,
      status_text: this.status_text,
      proto: this.proto,
      url: this.url,
      headers: this.headers,
      body: typeof this.body === 'string' ? this.body : this.body === null ? null : '[binary]',
      cookies: this.cookies,
      error: this.error,
      error_code: this.error_code,
      remote_ip: this.remote_ip,
      remote_port: this.remote_port,
      timings: this.timings,
      request: this.request,
    };
  }

  #decodeBody(): string | ArrayBuffer | null {
    const chunks = this.#bodyChunks;
    if (this.#responseType === 'none' || !chunks) return null;
    let bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks as Buffer[]);
    if (this.#head && headHasField(this.#head, 'content-encoding')) {
      bytes = decodeContent(bytes, this.headers['Content-Encoding'] ?? '');
    }
    return this.#responseType === 'binary'
      ? (new Uint8Array(bytes).buffer as ArrayBuffer)
      : bytes.toString('utf8');
  }

  /** Parses the body as JSON (cached) and returns it, or the value at a GJSON-style `selector`. */
  json(selector?: string): unknown {
    if (!this.#parsed) {
      if (typeof this.body !== 'string') {
        throw new RedlineError(
          'E_SCRIPT_JSON',
          `response body of ${this.url} is ${this.body === null ? 'empty (discarded or missing)' : 'binary'}, cannot parse JSON`,
          {
            hint: 'set responseType: "text" on the request, or do not discard response bodies',
            exitCode: ExitCode.ScriptException,
          },
        );
      }
      try {
        this.#parsed = { value: JSON.parse(this.body) };
      } catch (error) {
        throw new RedlineError(
          'E_SCRIPT_JSON',
          `response body of ${this.url} is not valid JSON: ${(error as Error).message}`,
          {
            exitCode: ExitCode.ScriptException,
            cause: error,
          },
        );
      }
    }
    return selector === undefined ? this.#parsed.value : selectJson(this.#parsed.value, selector);
  }

  /** TLS response: the stapled OCSP response (raw, parsed when the script reads `ocsp`). */
  #tls = false;
  #ocspDer: Buffer | undefined = undefined;

  /** @internal Marks the response as TLS and keeps the stapled OCSP response, if any. */
  setStapledOcsp(der: Buffer | undefined): void {
    this.#tls = true;
    this.#ocspDer = der;
  }

  /**
   * k6's stapled-OCSP details (`status` good / revoked / unknown, `produced_at`, `this_update`,
   * `next_update`, `revoked_at` in Unix seconds, `revocation_reason`), as k6 reads them: a TLS
   * response without a usable stapled response is `unknown`; a plain-HTTP one has empty fields.
   */
  get ocsp(): OcspInfo {
    if (!this.#tls) {
      return {
        produced_at: 0,
        this_update: 0,
        next_update: 0,
        revoked_at: 0,
        revocation_reason: '',
        status: '',
      };
    }
    return (
      parseOcspResponse(this.#ocspDer) ?? {
        produced_at: 0,
        this_update: 0,
        next_update: 0,
        revoked_at: 0,
        revocation_reason: '',
        status: 'unknown',
      }
    );
  }

  /**
   * The body parsed as HTML (k6 `response.html([selector])`): the document, or the elements
   * matching `selector`. Throws, as k6 does, when the response has no body.
   */
  html(selector?: string): Selection {
    const body = this.body;
    if (body === null || body === undefined)
      throw new Error(
        "the body is null so we can't transform it to HTML - this likely was because of a request error getting the response",
      );
    const doc = parseHTML(
      typeof body === 'string' ? body : Buffer.from(body).toString('utf8'),
      this.url,
    );
    return selector === undefined ? doc : doc.find(selector);
  }

  /**
   * Fills and submits a form of this page as k6's `response.submitForm()`: the form matching
   * `formSelector` (default `form`), its successful fields, the submit button's name and value
   * (`submitSelector`, default `[type="submit"]`), then `fields`; sent with the form's method
   * (default GET: fields in the query string) to its action resolved against this response's
   * URL (default: this URL), with `params`. Resolves with the new response.
   */
  submitForm(
    options: {
      formSelector?: string;
      submitSelector?: string;
      fields?: Record<string, unknown>;
      params?: RequestParams;
    } = {},
  ): Promise<Response> {
    const formSelector = options.formSelector ?? 'form';
    const form = this.html(formSelector);
    if (form.size() === 0)
      throw new Error(`no form found for selector '${formSelector}' in response '${this.url}'`);
    const method = String(form.attr('method') ?? 'GET').toUpperCase();
    const action = form.attr('action');
    const target = new URL(action === undefined ? this.url : String(action), this.url);
    const values: Record<string, unknown> = form.serializeObject();
    const submit = form.find(options.submitSelector ?? '[type="submit"]');
    const submitName = submit.attr('name');
    const submitValue = submit.val();
    if (submitName !== undefined && submitValue !== undefined)
      values[String(submitName)] = submitValue;
    Object.assign(values, options.fields ?? {});
    const vu = requireVu('response.submitForm()');
    if (method === 'GET') {
      // k6 puts each value's string form in the query (a multiple select's array reads "a,b").
      const query = Object.entries(values).map(
        ([k, v]) => [k, v == null ? '' : String(v)] as const,
      );
      target.search = encodeForm(query, threadRuntime().warn);
      return vu.http.request(method, target.href, undefined, options.params ?? {});
    }
    return vu.http.request(method, target.href, values, options.params ?? {});
  }

  /**
   * Follows a link of this page as k6's `response.clickLink()`: the first element matching
   * `selector` (default `a[href]`), its `href` resolved against this response's URL, requested
   * with GET and `params`. Resolves with the new response.
   */
  clickLink(options: { selector?: string; params?: RequestParams } = {}): Promise<Response> {
    const selector = options.selector ?? 'a[href]';
    const link = this.html(selector);
    if (link.size() === 0)
      throw new Error(`no element found for selector '${selector}' in response '${this.url}'`);
    const href = link.attr('href');
    if (href === undefined)
      throw new Error(
        `no valid href attribute value found on element '${selector}' in response '${this.url}'`,
      );
    const target = new URL(String(href), this.url);
    return requireVu('response.clickLink()').http.request(
      'GET',
      target.href,
      undefined,
      options.params ?? {},
    );
  }
}

/** Decodes a Content-Encoding (gzip, deflate, br); a body that does not decode is returned as is. */
function decodeContent(bytes: Buffer, encoding: string): Buffer {
  const coding = encoding.toLowerCase();
  if (!coding || coding === 'identity' || bytes.length === 0) return bytes;
  try {
    if (coding === 'gzip' || coding === 'x-gzip') return gunzipSync(bytes);
    if (coding === 'deflate') return inflateSync(bytes);
    if (coding === 'br') return brotliDecompressSync(bytes);
  } catch {
    // returned as received
  }
  return bytes;
}
