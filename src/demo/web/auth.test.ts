/** Bearer tokens: round trip, tampering, expiry, header parsing. */
import { createHmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createTokenSigner, requireUserId } from './auth.js';
import { HttpError } from './http-error.js';

const secret = Buffer.alloc(32, 7);

describe('createTokenSigner', () => {
  it('verifies its own tokens and rejects tampered or foreign ones', () => {
    const signer = createTokenSigner(secret);
    const token = signer.sign(42);
    expect(signer.verify(token)).toBe(42);
    expect(signer.verify(token.replace(/^42\./, '43.'))).toBeNull();
    expect(createTokenSigner(Buffer.alloc(32, 8)).verify(token)).toBeNull();
    expect(signer.verify('garbage')).toBeNull();
    expect(signer.verify('')).toBeNull();
  });

  it('rejects an expired token even when correctly signed', () => {
    const signer = createTokenSigner(secret);
    const payload = `5.${Math.floor(Date.now() / 1000) - 1}`;
    const signature = createHmac('sha256', secret).update(payload).digest('base64url');
    expect(signer.verify(`${payload}.${signature}`)).toBeNull();
  });
});

describe('requireUserId', () => {
  const signer = createTokenSigner(secret);
  const req = (authorization?: string) => ({ headers: { authorization } }) as IncomingMessage;

  it('accepts "Bearer <token>" case-insensitively', () => {
    expect(requireUserId(req(`Bearer ${signer.sign(9)}`), signer)).toBe(9);
    expect(requireUserId(req(`bearer ${signer.sign(9)}`), signer)).toBe(9);
  });

  it('throws 401 for a missing header, another scheme or a bad token', () => {
    for (const header of [undefined, `Basic ${signer.sign(9)}`, 'Bearer nope']) {
      expect(() => requireUserId(req(header), signer)).toThrow(HttpError);
    }
  });
});
