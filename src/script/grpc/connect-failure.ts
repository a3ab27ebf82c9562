/**
 * Why a gRPC connection attempt failed, in the words k6 uses, and whether k6 gives up at once.
 *
 * k6 dials with grpc-go's blocking dial and `FailOnNonTempDialError`: an attempt that fails with an
 * error Go does not call temporary ends `connect()` at once (a refused or unreachable TCP connect,
 * a TLS alert sent by the server, a reset during the handshake); any other failure is retried with
 * backoff until the connect timeout, which then fails with the last error (`WithReturnConnectionError`).
 * A certificate that fails verification is such a retried failure: Go's verification error is
 * neither temporary nor permanent, and grpc-go counts unknown errors as temporary.
 *
 * k6 resolves the host name in its own dialer, on every attempt (grpc-go's `DialContext` passes
 * the target through unresolved): a name that does not exist fails that dial with Go's DNS error,
 * which is not temporary, so `connect()` throws at once; a lookup that timed out or met a server
 * failure is temporary and retried. grpc-js resolves the name itself and keeps only "Name
 * resolution failed"; `lookupFailure` looks the name up again to tell which it was.
 */
import { promises as dns } from 'node:dns';

/** One failed connection attempt. */
export interface ConnectFailure {
  /** grpc-go's description (`transport: error while dialing: …`). */
  desc: string;
  /** k6 fails `connect()` at once (true) or keeps retrying until the timeout (false). */
  permanent: boolean;
}

/**
 * Errno codes of a failed TCP connect and Go's text for them; `temporary`: Go's `Errno.Temporary()`
 * (EINTR, EMFILE, ENFILE) or `Timeout()` (EAGAIN, ETIMEDOUT), which grpc-go retries.
 */
const DIAL_ERRNOS: Record<string, { text: string; temporary?: true }> = {
  ECONNREFUSED: { text: 'connection refused' },
  EHOSTUNREACH: { text: 'no route to host' },
  ENETUNREACH: { text: 'network is unreachable' },
  EADDRNOTAVAIL: { text: 'cannot assign requested address' },
  ECONNRESET: { text: 'connection reset by peer' },
  EACCES: { text: 'permission denied' },
  EPERM: { text: 'operation not permitted' },
  ETIMEDOUT: { text: 'connection timed out', temporary: true },
  EAGAIN: { text: 'resource temporarily unavailable', temporary: true },
  EINTR: { text: 'interrupted system call', temporary: true },
  EMFILE: { text: 'too many open files', temporary: true },
  ENFILE: { text: 'too many open files in system', temporary: true },
};

/** OpenSSL/Node verification codes of a certificate whose issuer is not trusted. */
const UNKNOWN_AUTHORITY = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);

/**
 * The failure of an attempt whose TCP connect failed, from grpc-js's account of its last error
 * (`Error: connect ECONNREFUSED 127.0.0.1:1`); undefined when it is not a TCP connect error.
 */
export function dialFailure(lastError: string): ConnectFailure | undefined {
  const match = /\bconnect (E[A-Z]+) (\S+)/.exec(lastError);
  if (!match) return undefined;
  const code = match[1] ?? '';
  const address = (match[2] ?? '').replace(/\.$/, '');
  const known = DIAL_ERRNOS[code];
  return {
    desc: `transport: error while dialing: dial tcp ${address}: connect: ${known?.text ?? code}`,
    permanent: known?.temporary !== true,
  };
}

/** The failure of an attempt whose TLS handshake (or certificate check) failed with `error`. */
export function handshakeFailure(error: unknown): ConnectFailure {
  const e = (error ?? {}) as { code?: unknown; syscall?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : String(error);
  const prefix = 'transport: authentication handshake failed: ';
  if (
    UNKNOWN_AUTHORITY.has(code) ||
    code.startsWith('CERT_') ||
    code === 'ERR_TLS_CERT_ALTNAME_INVALID'
  ) {
    const x509 = UNKNOWN_AUTHORITY.has(code)
      ? 'certificate signed by unknown authority'
      : code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID'
        ? 'certificate has expired or is not yet valid'
        : code === 'ERR_TLS_CERT_ALTNAME_INVALID'
          ? 'certificate is not valid for the host'
          : message;
    return {
      desc: `${prefix}tls: failed to verify certificate: x509: ${x509} (${message})`,
      permanent: false,
    };
  }
  // A TLS alert from the server: Go wraps it in a net.OpError that is not temporary.
  const alert = /^ERR_SSL_(?:SSLV3|TLSV1|TLSV13)_ALERT_(\w+)$/.exec(code);
  if (alert) {
    return {
      desc: `${prefix}remote error: tls: ${(alert[1] ?? '').toLowerCase().replaceAll('_', ' ')}`,
      permanent: true,
    };
  }
  // A reset read during the handshake is not temporary in Go; the connection closed before the
  // handshake ended (Node reports it as ECONNRESET without a syscall) is Go's io.EOF, retried.
  if (code === 'ECONNRESET' && typeof e.syscall === 'string') {
    return { desc: `${prefix}read: connection reset by peer`, permanent: true };
  }
  if (code === 'ECONNRESET') return { desc: `${prefix}EOF`, permanent: false };
  return { desc: `${prefix}${message}`, permanent: false };
}

/** Target schemes grpc-js resolves itself; any other address is `host:port` as k6 dials it. */
const SCHEMES = /^(?:dns|unix|unix-abstract|ipv4|ipv6):/;

/**
 * The failure of dialling an address that is not `host:port` (Go's `net.SplitHostPort`, which
 * k6's dialer calls on every attempt): `nohost` or `[::1]` lacks its port, `::1:50051` has too
 * many colons. Not temporary, so k6's `connect()` throws at once; grpc-js would instead dial
 * port 443 or read `::1:50051` as an IPv6 address. Undefined for a valid address, and for the
 * `dns:`, `unix:`, `ipv4:`, `ipv6:` targets grpc-js resolves itself.
 */
export function addressFailure(addr: string): ConnectFailure | undefined {
  if (SCHEMES.test(addr)) return undefined;
  let problem: string | undefined;
  if (addr.startsWith('[')) {
    const close = addr.indexOf(']');
    if (close < 0) problem = "missing ']' in address";
    else if (close === addr.length - 1) problem = 'missing port in address';
    else if (addr[close + 1] !== ':') problem = "unexpected ']' in address";
  } else {
    const colon = addr.lastIndexOf(':');
    if (colon < 0) problem = 'missing port in address';
    else if (addr.slice(0, colon).includes(':')) problem = 'too many colons in address';
  }
  if (problem === undefined) return undefined;
  return {
    desc: `transport: error while dialing: address ${addr}: ${problem}`,
    permanent: true,
  };
}

/** Whether grpc-js's last error says the target's name did not resolve. */
export function isResolutionFailure(lastError: string): boolean {
  return lastError.startsWith('Name resolution failed for target ');
}

/**
 * The host name of a gRPC target (`host:port`, `[v6]:port`, `dns:///host:port`,
 * `dns://server/host:port`); undefined when there is none.
 */
export function targetHost(addr: string): string | undefined {
  const rest = addr.replace(/^dns:(?:\/\/[^/]*\/)?/, '');
  const match = /^\[([^\]]+)\]|^([^:/]+)/.exec(rest);
  return match?.[1] ?? match?.[2];
}

/**
 * The failure of an attempt whose lookup of `host` failed with `error` (Node's `dns.lookup`), as
 * Go's resolver reports it to k6's dialer: a name that does not exist (NXDOMAIN, or no address)
 * is Go's `no such host`, not temporary; a non-recoverable answer (a refused query) is not
 * temporary either; any other failure (a timeout, a server failure) is temporary, retried.
 */
export function resolveFailure(host: string, error: unknown): ConnectFailure {
  const e = (error ?? {}) as { code?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  const lookup = `transport: error while dialing: lookup ${host}: `;
  if (code === 'ENOTFOUND' || code === 'ENODATA') {
    return { desc: `${lookup}no such host`, permanent: true };
  }
  if (code === 'EAI_FAIL') {
    return { desc: `${lookup}non-recoverable failure in name resolution`, permanent: true };
  }
  if (code === 'EAI_AGAIN') {
    return { desc: `${lookup}temporary failure in name resolution`, permanent: false };
  }
  const message = typeof e.message === 'string' ? e.message : String(error);
  return { desc: `${lookup}${message}`, permanent: false };
}

/**
 * Why grpc-js could not resolve `addr` (its last error `lastError`): the name is looked up again
 * (one query to the OS resolver, made only after a failed resolution) and the error classified by
 * `resolveFailure`; when the name resolves now, grpc-js's own text, retried.
 */
export async function lookupFailure(addr: string, lastError: string): Promise<ConnectFailure> {
  const host = targetHost(addr);
  if (host === undefined) return { desc: lastError, permanent: false };
  try {
    await dns.lookup(host, { all: true });
    return { desc: lastError, permanent: false };
  } catch (error) {
    return resolveFailure(host, error);
  }
}

/**
 * The error `connect()` throws: at once for a permanent failure, at the timeout with the last
 * failure seen (if any), both worded as grpc-go words them for k6.
 */
export function connectError(
  addr: string,
  failure: ConnectFailure | undefined,
  timedOut: boolean,
): Error {
  const connection = failure ? `connection error: desc = ${JSON.stringify(failure.desc)}` : '';
  const text = timedOut
    ? connection
      ? `context deadline exceeded: ${connection}`
      : 'context deadline exceeded'
    : connection;
  return new Error(`grpc.Client.connect(${addr}): ${text}`);
}
