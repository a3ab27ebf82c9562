/** Route templates for node:http requests: framework routes when known, else a path heuristic. */
import type { RequestState } from './state.js';

const NUMERIC = /^\d+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX = /^[0-9a-f]{12,}$/i;
const TOKEN = /^(?=.*\d)[A-Za-z0-9_-]{16,}$/;
const cache = new Map<string, string>();
const CACHE_LIMIT = 5000;

/** `/users/42/orders?x=1` → `/users/:id/orders` (numbers, UUIDs, long hex and tokens become params). */
export function routeTemplate(url: string): string {
  const q = url.indexOf('?');
  const path = q >= 0 ? url.slice(0, q) : url;
  const hit = cache.get(path);
  if (hit !== undefined) return hit;
  const template = path
    .split('/')
    .map((segment) => {
      if (segment === '') return segment;
      if (NUMERIC.test(segment)) return ':id';
      if (UUID.test(segment)) return ':uuid';
      if (HEX.test(segment)) return ':hash';
      if (TOKEN.test(segment)) return ':token';
      return segment;
    })
    .join('/');
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(path, template);
  return template || '/';
}

/** Express sets `req.route.path` (and `req.baseUrl`) while routing: prefer it when present. */
export function frameworkRoute(request: unknown): string | undefined {
  const req = request as { route?: { path?: unknown }; baseUrl?: unknown };
  const path = req.route?.path;
  if (typeof path !== 'string') return undefined;
  return `${typeof req.baseUrl === 'string' ? req.baseUrl : ''}${path}` || '/';
}

/**
 * The route label of a request (`GET /users/:id`): the one set when the request ended, else one
 * derived from its URL now (a query finishes before its request does).
 */
export function routeOf(state: RequestState): string {
  return state.route || `${state.method} ${routeTemplate(state.url)}`;
}
