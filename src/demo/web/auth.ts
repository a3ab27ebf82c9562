/** Bearer tokens: HMAC-signed `<userId>.<expires>.<signature>` strings, verified without a database round trip. */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-error.js';

/** Lifetime of an issued token in seconds. */
export const TOKEN_TTL_SECONDS = 3600;

/** Signs and verifies the demo's bearer tokens. */
export interface TokenSigner {
  /** Issues a token for a user id. */
  sign(userId: number): string;
  /** Returns the user id of a valid, unexpired token, or null. */
  verify(token: string): number | null;
}

/** Creates a signer with a random per-process secret (tokens do not survive a restart). */
export function createTokenSigner(secret: Buffer = randomBytes(32)): TokenSigner {
  const mac = (payload: string) => createHmac('sha256', secret).update(payload).digest();
  return {
    sign(userId) {
      const payload = `${userId}.${Math.floor(Date.now() / 1000) + TOKEN_TTL_SECONDS}`;
      return `${payload}.${mac(payload).toString('base64url')}`;
    },
    verify(token) {
      const match = /^(\d{1,10})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
      if (!match) return null;
      const [, id, expires, signature] = match;
      const expected = mac(`${id}.${expires}`);
      const given = Buffer.from(signature ?? '', 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
      if (Number(expires) < Date.now() / 1000) return null;
      return Number(id);
    },
  };
}

/** Reads `Authorization: Bearer <token>` and returns the user id; 401 when absent or invalid. */
export function requireUserId(req: IncomingMessage, signer: TokenSigner): number {
  const header = req.headers.authorization ?? '';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  const userId = match?.[1] ? signer.verify(match[1]) : null;
  if (userId === null) {
    throw new HttpError(401, 'unauthorized', 'a valid bearer token is required', {
      'www-authenticate': 'Bearer',
    });
  }
  return userId;
}
