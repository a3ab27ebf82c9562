/**
 * Classification of network and protocol failures into a few classes users can act on, with
 * k6's numeric error codes (https://grafana.com/docs/k6/latest/javascript-api/error-codes/) so
 * `error_code` tags and thresholds keep their meaning.
 */

/**
 * The failure classes counted separately in summaries and reports (the `error_class` tag):
 *
 * - `refused`, `reset`, `dns`, `tls`: the socket's own errors;
 * - `timeout`: the request timeout elapsed (also at the end of the test, when it had elapsed);
 * - `malformed`: the bytes received are not an HTTP/1.x response (garbage status line, bad
 *   header, bad chunk framing);
 * - `closed`: the server closed the connection before any byte of the response (after the
 *   one retry an idempotent request gets on a reused keep-alive connection, see connection.ts);
 * - `truncated`: the server closed the connection in the middle of a response;
 * - `interrupted`: the test ended (duration over, Ctrl-C, VU interrupted) while the request was
 *   still waiting for its response; counted in `http_reqs` and `http_req_failed`, never in the
 *   latency trends (its duration was cut by the end of the test, not measured);
 * - `other`: anything else.
 *
 * Responses with a status are never a class here: `http-4xx`/`http-5xx`/`http-invalid-status`
 * are derived from the status tag (`statusErrorClass` in `results/timeline.ts`).
 */
export type ErrorClass =
  | 'refused'
  | 'reset'
  | 'timeout'
  | 'dns'
  | 'tls'
  | 'malformed'
  | 'closed'
  | 'truncated'
  | 'interrupted'
  | 'other';

/** A classified failure: the class, k6's error code and a short message (the `error` tag). */
export interface ClassifiedError {
  errorClass: ErrorClass;
  code: number;
  message: string;
}

const TLS_CODE_PATTERN =
  /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|SELF_SIGNED|DEPTH_ZERO|HOSTNAME_MISMATCH|ERR_OSSL)/;

/** Classifies an error raised by a socket (connect, read or write). */
export function classifySocketError(error: unknown): ClassifiedError {
  const e = error as NodeJS.ErrnoException & { reason?: string };
  const code = typeof e?.code === 'string' ? e.code : '';
  switch (code) {
    case 'ECONNREFUSED':
      return { errorClass: 'refused', code: 1212, message: 'connection refused' };
    case 'ECONNRESET':
      return { errorClass: 'reset', code: 1220, message: 'connection reset by peer' };
    case 'EPIPE':
      return { errorClass: 'reset', code: 1201, message: 'broken pipe' };
    case 'ETIMEDOUT':
      return { errorClass: 'timeout', code: 1211, message: 'dial timeout' };
    case 'ENOTFOUND':
      return { errorClass: 'dns', code: 1101, message: 'no IP found for host' };
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NODATA':
      return { errorClass: 'dns', code: 1100, message: 'DNS lookup failed' };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
      return { errorClass: 'refused', code: 1210, message: `cannot connect (${code})` };
    case 'EMFILE':
    case 'ENFILE':
      return { errorClass: 'other', code: 1200, message: 'too many open files (raise ulimit -n)' };
  }
  if (TLS_CODE_PATTERN.test(code) || code === 'EPROTO') {
    const authority = /CERT|UNABLE_TO|SELF_SIGNED|DEPTH_ZERO/.test(code);
    const mismatch = code === 'ERR_TLS_CERT_ALTNAME_INVALID' || code === 'HOSTNAME_MISMATCH';
    return {
      errorClass: 'tls',
      code: mismatch ? 1311 : authority ? 1310 : 1300,
      message: mismatch
        ? 'TLS certificate does not match the host name'
        : authority
          ? 'TLS certificate not trusted'
          : 'TLS handshake failed',
    };
  }
  return {
    errorClass: 'other',
    code: 1000,
    message: e?.message ? String(e.message).slice(0, 120) : 'unknown error',
  };
}

/** A response that could not be parsed (k6 code 1000, our class `malformed`). */
export function malformedResponse(reason: string): ClassifiedError {
  return { errorClass: 'malformed', code: 1000, message: `malformed HTTP response: ${reason}` };
}

/** The request did not complete within its timeout (k6 code 1050). */
export function requestTimeout(): ClassifiedError {
  return { errorClass: 'timeout', code: 1050, message: 'request timeout' };
}

const CLOSED: ClassifiedError = {
  errorClass: 'closed',
  code: 1000,
  message: 'connection closed by the server before any byte of the response',
};
const CLOSED_NOT_RETRIED: ClassifiedError = {
  errorClass: 'closed',
  code: 1000,
  message:
    'connection closed by the server before any byte of the response (reused keep-alive connection; not retried: the method is not idempotent)',
};
const TRUNCATED: ClassifiedError = {
  errorClass: 'truncated',
  code: 1000,
  message: 'connection closed by the server in the middle of the response',
};
const INTERRUPTED: ClassifiedError = {
  errorClass: 'interrupted',
  code: 1000,
  message: 'request interrupted: the test ended before the response was complete',
};
const INTERRUPTED_CONNECTING: ClassifiedError = {
  errorClass: 'interrupted',
  code: 1000,
  message: 'request interrupted: the test ended before its connection was established',
};

/** The server closed the connection before any byte of the response (Go's "EOF", k6 1000). */
export function closedBeforeResponse(): ClassifiedError {
  return CLOSED;
}

/**
 * The server closed a reused keep-alive connection before any byte of the response, and the
 * request was not retried because its method is not idempotent (RFC 9110 §9.2.2).
 */
export function closedNotRetried(): ClassifiedError {
  return CLOSED_NOT_RETRIED;
}

/** The server closed the connection in the middle of a response (k6 1000, "unexpected EOF"). */
export function truncatedResponse(): ClassifiedError {
  return TRUNCATED;
}

/** The test ended while the request still waited for (the rest of) its response. */
export function interruptedRequest(): ClassifiedError {
  return INTERRUPTED;
}

/** The test ended while the connection a request was waiting for was still being set up. */
export function interruptedConnecting(): ClassifiedError {
  return INTERRUPTED_CONNECTING;
}

/**
 * How a request still in flight when the test ends is counted: `timeout` when its timeout had
 * already elapsed (the sweep had not caught it yet), `interrupted` otherwise.
 */
export function unfinishedAtEnd(elapsedMs: number, timeoutMs: number): ClassifiedError {
  return elapsedMs >= timeoutMs ? requestTimeout() : INTERRUPTED;
}

/** Methods a client may resend automatically (RFC 9110 §9.2.2: safe methods, PUT, DELETE). */
export function isIdempotentMethod(method: string): boolean {
  switch (method) {
    case 'GET':
    case 'HEAD':
    case 'OPTIONS':
    case 'TRACE':
    case 'PUT':
    case 'DELETE':
      return true;
    default:
      return false;
  }
}

/** HTTP/2 error code names (RFC 9113 §7), by code. */
const H2_ERROR_NAMES = [
  'NO_ERROR',
  'PROTOCOL_ERROR',
  'INTERNAL_ERROR',
  'FLOW_CONTROL_ERROR',
  'SETTINGS_TIMEOUT',
  'STREAM_CLOSED',
  'FRAME_SIZE_ERROR',
  'REFUSED_STREAM',
  'CANCEL',
  'COMPRESSION_ERROR',
  'CONNECT_ERROR',
  'ENHANCE_YOUR_CALM',
  'INADEQUATE_SECURITY',
  'HTTP_1_1_REQUIRED',
];

/** The RFC 9113 name of an HTTP/2 error code (`CANCEL`), or `0x..` for an unknown one. */
export function http2ErrorName(code: number): string {
  return H2_ERROR_NAMES[code] ?? `0x${code.toString(16)}`;
}

/** k6's code for a known HTTP/2 error code `h2code` in a range starting at `base` (+1 + code). */
function k6Http2Code(base: number, h2code: number): number {
  return h2code < H2_ERROR_NAMES.length ? base + 1 + h2code : base;
}

/**
 * The server reset an HTTP/2 stream (RST_STREAM) before its response was complete: class `reset`,
 * k6's stream-error codes (1630, or 1631 + the HTTP/2 error code).
 */
export function http2StreamReset(h2code: number): ClassifiedError {
  return {
    errorClass: 'reset',
    code: k6Http2Code(1630, h2code),
    message: `stream reset by the server (RST_STREAM ${http2ErrorName(h2code)})`,
  };
}

/**
 * The server ended the HTTP/2 connection with a GOAWAY carrying an error code while the request
 * was in flight: class `reset`, k6's GOAWAY codes (1610, or 1611 + the HTTP/2 error code).
 */
export function http2GoAway(h2code: number): ClassifiedError {
  return {
    errorClass: 'reset',
    code: k6Http2Code(1610, h2code),
    message: `connection ended by the server (GOAWAY ${http2ErrorName(h2code)})`,
  };
}

/**
 * An HTTP/2 connection error Redline's side detected (a protocol error in what the server sent):
 * class `malformed`, k6's connection-error codes (1650, or 1651 + the HTTP/2 error code).
 */
export function http2ConnectionError(h2code: number, detail: string): ClassifiedError {
  return {
    errorClass: 'malformed',
    code: k6Http2Code(1650, h2code),
    message: `HTTP/2 connection error ${http2ErrorName(h2code)}: ${detail.slice(0, 80)}`,
  };
}

/** The server did not negotiate HTTP/2 (ALPN) on a connection that requires it. */
export function http2NotNegotiated(got: string): ClassifiedError {
  return {
    errorClass: 'tls',
    code: 1300,
    message: `the server did not negotiate HTTP/2 via ALPN (got ${got || 'no protocol'})`,
  };
}
