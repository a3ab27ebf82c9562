/**
 * Client TLS contexts shared by every connection with the same TLS options. Without one,
 * `tls.connect` builds a new SecureContext (an OpenSSL SSL_CTX with the root certificates) for
 * each socket: ~100-200 µs of CPU per new connection, more than a resumed handshake's own
 * cryptography (bench/tls-ab.mjs against a server that closes after every response;
 * bench/RESULTS.md). A context holds only what its options say (versions, ciphers, client
 * certificate, trusted roots): node keeps no client session cache in it, so sharing it resumes
 * no session by itself (a connection resumes only when given a `session`), and certificate
 * verification, SNI, ALPN and OCSP requests stay per socket.
 */
import { createSecureContext, type SecureContext } from 'node:tls';

/** The TLS options that shape a client context (k6's `tlsVersion`, `tlsCipherSuites`, `tlsAuth`). */
export interface ClientTlsOptions {
  minVersion?: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
  maxVersion?: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
  ciphers?: string;
  cert?: string;
  key?: string;
  passphrase?: string;
}

/** Distinct option sets kept; beyond, the oldest is dropped (a script with many client certificates). */
const MAX_CONTEXTS = 64;
const contexts = new Map<string, SecureContext>();
/** The context of connections without TLS options (quick mode, most scripts). */
let plain: SecureContext | undefined;

/**
 * The shared client context for `options` (created on first use; an invalid certificate or
 * cipher list throws here as `tls.connect` would).
 */
export function clientSecureContext(options: ClientTlsOptions | undefined): SecureContext {
  if (options === undefined || isEmpty(options)) {
    plain ??= createSecureContext({});
    return plain;
  }
  const key = JSON.stringify([
    options.minVersion ?? '',
    options.maxVersion ?? '',
    options.ciphers ?? '',
    options.cert ?? '',
    options.key ?? '',
    options.passphrase ?? '',
  ]);
  let context = contexts.get(key);
  if (context === undefined) {
    context = createSecureContext(options);
    if (contexts.size >= MAX_CONTEXTS) contexts.delete(contexts.keys().next().value as string);
    contexts.set(key, context);
  }
  return context;
}

function isEmpty(options: ClientTlsOptions): boolean {
  for (const value of Object.values(options)) if (value !== undefined) return false;
  return true;
}
