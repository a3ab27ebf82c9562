/** GET /users/me: the signed-in user's profile (primary-key lookup: healthy). */
import type { DemoHandler } from '../app.js';
import { requireUserId } from '../web/auth.js';
import { HttpError } from '../web/http-error.js';

/** Reads one user by primary key. */
export const USER_BY_ID_SQL = 'SELECT id, email, name, created_at FROM users WHERE id = $1';

interface UserRow {
  id: number;
  email: string;
  name: string;
  created_at: Date;
}

/** Handles `GET /users/me` (Bearer token required). */
export const getMe: DemoHandler = async ({ req, app }) => {
  const userId = requireUserId(req, app.signer);
  const [user] = await app.db.query<UserRow>(USER_BY_ID_SQL, [userId]);
  if (!user) throw new HttpError(404, 'not_found', 'the user of this token no longer exists');
  return {
    body: { id: user.id, email: user.email, name: user.name, createdAt: user.created_at },
  };
};
