/**
 * The response object scripts receive, shaped like k6's: status, headers (canonical names),
 * body, json(selector), timings (k6 semantics), cookies, error and error_code, request.
 */

import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import type { TimingTrail } from '../../http/timing-trail.js';
import { selectJson } from './json-select.js';

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

/** A response (or a failed request: status 0 with `error` and `error_code`). */
export class Response {
  status = 0;
  status_text = '';
  proto = 'HTTP/1.1';
  url: string;
  headers: Record<string, string> = {};
  body: string | ArrayBuffer | null = null;
  cookies: Record<string, ResponseCookie[]> = {};
  error = '';
  error_code = 0;
  remote_ip = '';
  remote_port = 0;
  tls_version = '';
  tls_cipher_suite = '';
  timings: ResponseTimings;
  request: SentRequest;
  #parsed: { value: unknown } | undefined;

  constructor(url: string, request: SentRequest, timings: ResponseTimings) {
    this.url = url;
    this.request = request;
    this.timings = timings;
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

  /** k6's HTML helpers need an HTML parser Redline does not ship: fail clearly. */
  html(): never {
    throw unsupportedHtml('html');
  }

  /** k6's form helper (needs the HTML parser): fails clearly. */
  submitForm(): never {
    throw unsupportedHtml('submitForm');
  }

  /** k6's link helper (needs the HTML parser): fails clearly. */
  clickLink(): never {
    throw unsupportedHtml('clickLink');
  }
}

function unsupportedHtml(method: string): RedlineError {
  return new RedlineError(
    'E_SCRIPT_UNSUPPORTED',
    `response.${method}() is not supported by Redline`,
    {
      hint: 'parse the body with an npm package such as cheerio (import it in your script) and send the requests yourself',
      exitCode: ExitCode.ScriptException,
    },
  );
}
