/** GET /debug/requests: the newest remembered requests (the reason the leaking history exists). */
import { type DemoHandler, PAGE_SIZE } from '../app.js';
import { requireUserId } from '../web/auth.js';
import { parseIntParam } from '../web/query-params.js';

/** Handles `GET /debug/requests?limit=20` (Bearer token required). */
export const listRecentRequests: DemoHandler = async ({ req, url, app }) => {
  requireUserId(req, app.signer);
  const limit = parseIntParam(url, 'limit', PAGE_SIZE.default, 1, PAGE_SIZE.max);
  return { body: { held: app.requestLog.size, requests: app.requestLog.newest(limit) } };
};
