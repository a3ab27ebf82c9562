/** The demo's password hash format (PBKDF2-HMAC-SHA256) and the documented demo credentials. */
import { pbkdf2, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const pbkdf2Async = promisify(pbkdf2);

/** The demo's user (examples/k6/login-flow.js logs in with it). */
export const DEMO_USER = { email: 'test@example.com', password: 'password123' } as const;

/** Every seeded user (`test@example.com`, `user1@example.com` … `user<N-1>@example.com`) has this password. */
export const DEMO_PASSWORD = DEMO_USER.password;

/** PBKDF2 iterations: a realistic work factor (~25 ms per hash on one core of the dev machine). */
export const PASSWORD_HASH_ITERATIONS = 100_000;

/** Digest and key length of the password hash. */
export const PASSWORD_HASH_DIGEST = 'sha256';
/** Derived key length in bytes. */
export const PASSWORD_HASH_BYTES = 32;

/** A parsed `pbkdf2-sha256$<iterations>$<salt>$<hash>` string. */
export interface ParsedPasswordHash {
  iterations: number;
  salt: Buffer;
  hash: Buffer;
}

/** Parses a stored password hash; returns null when the format is not recognised. */
export function parsePasswordHash(stored: string): ParsedPasswordHash | null {
  const parts = stored.split('$');
  if (parts.length !== 4 || parts[0] !== `pbkdf2-${PASSWORD_HASH_DIGEST}`) return null;
  const iterations = Number(parts[1]);
  if (!Number.isInteger(iterations) || iterations < 1) return null;
  return {
    iterations,
    salt: Buffer.from(parts[2] ?? '', 'base64'),
    hash: Buffer.from(parts[3] ?? '', 'base64'),
  };
}

/**
 * Hashes a password (asynchronously, on the libuv pool) into the stored format. Used when
 * seeding: every seeded user shares one salt and hash, so seeding costs one hash, not one per user
 * (a demo simplification; real systems use a salt per user).
 */
export async function createPasswordHash(
  password: string,
  salt: Buffer = randomBytes(16),
  iterations = PASSWORD_HASH_ITERATIONS,
): Promise<string> {
  const hash = await pbkdf2Async(
    password,
    salt,
    iterations,
    PASSWORD_HASH_BYTES,
    PASSWORD_HASH_DIGEST,
  );
  return `pbkdf2-${PASSWORD_HASH_DIGEST}$${iterations}$${salt.toString('base64')}$${hash.toString('base64')}`;
}
