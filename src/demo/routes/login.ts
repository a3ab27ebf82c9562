/** POST /auth/login: checks email and password (PBKDF2) and returns `{ token }`. Holds the sync-hash bottleneck. */
import { pbkdf2, pbkdf2Sync, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { DemoHandler } from '../app.js';
import { PASSWORD_HASH_DIGEST, type ParsedPasswordHash, parsePasswordHash } from '../password.js';
import { readBodyFields, requireString } from '../web/body.js';
import { HttpError } from '../web/http-error.js';

const pbkdf2Async = promisify(pbkdf2);

/** Looks a user up by email (unique index: healthy). */
export const USER_BY_EMAIL_SQL = 'SELECT id, password_hash FROM users WHERE email = $1';

/**
 * The planted bottleneck: derives the key with `pbkdf2Sync`, blocking the event loop for the
 * whole hash (~25 ms), so every other request waits behind each login.
 */
function verifyPasswordSync(password: string, stored: ParsedPasswordHash): boolean {
  // redline-demo: bottleneck sync-hash
  const derived = pbkdf2Sync(
    password,
    stored.salt,
    stored.iterations,
    stored.hash.length,
    PASSWORD_HASH_DIGEST,
  );
  return timingSafeEqual(derived, stored.hash);
}

/** The fix: the same hash on the libuv thread pool; the event loop keeps serving meanwhile. */
async function verifyPasswordAsync(password: string, stored: ParsedPasswordHash): Promise<boolean> {
  const derived = await pbkdf2Async(
    password,
    stored.salt,
    stored.iterations,
    stored.hash.length,
    PASSWORD_HASH_DIGEST,
  );
  return timingSafeEqual(derived, stored.hash);
}

/** Handles `POST /auth/login` with a JSON or url-encoded `{ email, password }` body. */
export const login: DemoHandler = async ({ req, app }) => {
  const fields = await readBodyFields(req);
  const email = requireString(fields, 'email').trim().toLowerCase();
  const password = requireString(fields, 'password');
  const [user] = await app.db.query<{ id: number; password_hash: string }>(USER_BY_EMAIL_SQL, [
    email,
  ]);
  // Unknown emails answer without hashing: a timing oracle real services avoid (demo simplification).
  const stored = user ? parsePasswordHash(user.password_hash) : null;
  if (!user || !stored) throw invalidCredentials();
  const ok = app.planted.syncHash
    ? verifyPasswordSync(password, stored)
    : await verifyPasswordAsync(password, stored);
  if (!ok) throw invalidCredentials();
  return { private: true, body: { token: app.signer.sign(user.id) } };
};

function invalidCredentials(): HttpError {
  return new HttpError(401, 'invalid_credentials', 'email or password is wrong');
}
