/**
 * Classification of network and protocol failures into a few classes users can act on, with
 * k6's numeric error codes (https://grafana.com/docs/k6/latest/javascript-api/error-codes/) so
 * `error_code` tags and thresholds keep their meaning.
 */

/** The failure classes counted separately in summaries and reports. */
export type ErrorClass =
  | 'refused'
  | 'reset'
  | 'timeout'
  | 'dns'
  | 'tls'
  | 'malformed'
  | 'closed'
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

/** The server closed the connection before the response completed (Go's "EOF", k6 1000). */
export function closedBeforeResponse(): ClassifiedError {
  return {
    errorClass: 'closed',
    code: 1000,
    message: 'connection closed before the response was complete',
  };
}
