/**
 * HTTP Digest authentication as k6 does it (`params.auth: 'digest'`, credentials in the URL):
 * the request goes out once without credentials, and when the answer is a 401 with a Digest
 * challenge, once more with the `Authorization` header computed from it (RFC 7616: MD5, MD5-sess,
 * SHA-256, SHA-256-sess; qop `auth` or none). Both requests are measured, as in k6, the first one
 * counting as expected when it is the 401.
 */
import { createHash, randomBytes } from 'node:crypto';

/** The parameters of a `WWW-Authenticate: Digest ...` challenge. */
export interface DigestChallenge {
  realm: string;
  nonce: string;
  opaque?: string;
  algorithm: string;
  qop?: string;
}

/** Reads the Digest challenge of a WWW-Authenticate value, undefined when there is none. */
export function parseDigestChallenge(header: string | undefined): DigestChallenge | undefined {
  if (!header) return undefined;
  const at = header.search(/digest\s/i);
  if (at < 0) return undefined;
  const fields: Record<string, string> = {};
  const rest = header.slice(at + 7);
  for (const m of rest.matchAll(/([a-zA-Z-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g))
    fields[m[1]!.toLowerCase()] = (m[2] ?? m[3] ?? '').replace(/\\(.)/g, '$1');
  if (fields['nonce'] === undefined) return undefined;
  const qops = (fields['qop'] ?? '').split(',').map((q) => q.trim());
  return {
    realm: fields['realm'] ?? '',
    nonce: fields['nonce'],
    ...(fields['opaque'] !== undefined ? { opaque: fields['opaque'] } : {}),
    algorithm: fields['algorithm'] ?? 'MD5',
    ...(qops.includes('auth') ? { qop: 'auth' } : {}),
  };
}

/** The `Authorization` value answering `challenge` for `method` and `uri` (path and query). */
export function digestAuthorization(
  challenge: DigestChallenge,
  method: string,
  uri: string,
  username: string,
  password: string,
  cnonce = randomBytes(8).toString('hex'),
): string {
  const algorithm = challenge.algorithm.toUpperCase();
  const hashName = algorithm.startsWith('SHA-256') ? 'sha256' : 'md5';
  const h = (text: string) => createHash(hashName).update(text).digest('hex');
  let ha1 = h(`${username}:${challenge.realm}:${password}`);
  if (algorithm.endsWith('-SESS')) ha1 = h(`${ha1}:${challenge.nonce}:${cnonce}`);
  const ha2 = h(`${method}:${uri}`);
  const nc = '00000001';
  const response = challenge.qop
    ? h(`${ha1}:${challenge.nonce}:${nc}:${cnonce}:${challenge.qop}:${ha2}`)
    : h(`${ha1}:${challenge.nonce}:${ha2}`);
  const quote = (v: string) => `"${v.replace(/["\\]/g, '\\$&')}"`;
  const parts = [
    `username=${quote(username)}`,
    `realm=${quote(challenge.realm)}`,
    `nonce=${quote(challenge.nonce)}`,
    `uri=${quote(uri)}`,
    `algorithm=${challenge.algorithm}`,
    `response=${quote(response)}`,
  ];
  if (challenge.opaque !== undefined) parts.push(`opaque=${quote(challenge.opaque)}`);
  if (challenge.qop) parts.push(`qop=${challenge.qop}`, `nc=${nc}`, `cnonce=${quote(cnonce)}`);
  return `Digest ${parts.join(', ')}`;
}

/** The expected-status rule of the first, unauthenticated request (k6: only a 401 is expected). */
export const DIGEST_CHALLENGE_EXPECTED = (status: number): boolean => status === 401;
