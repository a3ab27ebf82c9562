/** Target URLs and request encoding: the request bytes are built once and written as they are. */

import { ExitCode } from '../errors/exit-codes.js';
import { RedlineError } from '../errors/redline-error.js';

/** Where requests go. */
export interface Target {
  protocol: 'http:' | 'https:';
  hostname: string;
  port: number;
  /** Path plus query, as sent on the request line. */
  path: string;
  /** The Host header value. */
  hostHeader: string;
  /** TLS server name (SNI); undefined for IP literals. */
  servername: string | undefined;
  /** The URL as given, without credentials. */
  href: string;
}

/** Parses an http(s) URL into a {@link Target}; throws a usage error naming the problem. */
export function parseTarget(url: string): Target {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RedlineError('E_USAGE_URL', `invalid URL: "${url}"`, {
      hint: 'give a full URL such as http://127.0.0.1:3000/path',
      exitCode: ExitCode.Usage,
    });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new RedlineError('E_USAGE_URL', `unsupported URL scheme "${parsed.protocol}" in ${url}`, {
      hint: 'Redline speaks HTTP/1.1 over http:// and https://',
      exitCode: ExitCode.Usage,
    });
  }
  const protocol = parsed.protocol;
  const defaultPort = protocol === 'https:' ? 443 : 80;
  const port = parsed.port === '' ? defaultPort : Number(parsed.port);
  const hostname = parsed.hostname.startsWith('[') ? parsed.hostname.slice(1, -1) : parsed.hostname;
  const isIp = /^[\d.]+$/.test(hostname) || hostname.includes(':');
  parsed.username = '';
  parsed.password = '';
  return {
    protocol,
    hostname,
    port,
    path: `${parsed.pathname}${parsed.search}`,
    hostHeader: parsed.port === '' ? parsed.hostname : `${parsed.hostname}:${port}`,
    servername: isIp ? undefined : hostname,
    href: parsed.href,
  };
}

/** What one request consists of. */
export interface RequestSpec {
  method: string;
  path: string;
  hostHeader: string;
  /** Header names as the user wrote them; Host/Content-Length are added when missing. */
  headers: ReadonlyArray<readonly [string, string]>;
  body?: Buffer | undefined;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** The default User-Agent, like k6's `k6/<version>`. */
export const DEFAULT_USER_AGENT = 'redline/0.1 (+https://github.com/redline)';

/**
 * Encodes a request into the exact bytes written to the socket (HTTP/1.1, keep-alive).
 * Validates method and header names/values, so a bad flag fails before the run starts.
 */
export function encodeRequest(spec: RequestSpec): Buffer {
  if (!TOKEN.test(spec.method)) {
    throw new RedlineError('E_USAGE_METHOD', `invalid HTTP method "${spec.method}"`, {
      exitCode: ExitCode.Usage,
    });
  }
  const lower = new Set(spec.headers.map(([name]) => name.toLowerCase()));
  let head = `${spec.method} ${spec.path} HTTP/1.1\r\n`;
  if (!lower.has('host')) head += `Host: ${spec.hostHeader}\r\n`;
  if (!lower.has('user-agent')) head += `User-Agent: ${DEFAULT_USER_AGENT}\r\n`;
  for (const [name, value] of spec.headers) {
    if (!TOKEN.test(name)) {
      throw new RedlineError('E_USAGE_HEADER', `invalid header name "${name}"`, {
        hint: 'write headers as "Name: value", e.g. -H "Accept: application/json"',
        exitCode: ExitCode.Usage,
      });
    }
    if (/[\r\n]/.test(value)) {
      throw new RedlineError('E_USAGE_HEADER', `header "${name}" contains a line break`, {
        exitCode: ExitCode.Usage,
      });
    }
    head += `${name}: ${value}\r\n`;
  }
  const body = spec.body;
  const needsLength = body !== undefined || ['POST', 'PUT', 'PATCH'].includes(spec.method);
  if (needsLength && !lower.has('content-length') && !lower.has('transfer-encoding')) {
    head += `Content-Length: ${body?.length ?? 0}\r\n`;
  }
  head += '\r\n';
  const headBytes = Buffer.from(head, 'latin1');
  return body && body.length > 0 ? Buffer.concat([headBytes, body]) : headBytes;
}

/** Parses a `-H "Name: value"` flag. */
export function parseHeaderFlag(text: string): [string, string] {
  const colon = text.indexOf(':');
  if (colon <= 0) {
    throw new RedlineError('E_USAGE_HEADER', `invalid header "${text}"`, {
      hint: 'write headers as "Name: value", e.g. -H "Authorization: Bearer abc"',
      exitCode: ExitCode.Usage,
    });
  }
  return [text.slice(0, colon).trim(), text.slice(colon + 1).trim()];
}
