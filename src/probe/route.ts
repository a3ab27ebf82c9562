/** Route templates for node:http requests: framework routes when known, else a path heuristic. */
import { registerFootprint } from './footprint.js';
import { frameworkRoute, routeIsFinal } from './frameworks.js';
import type { RequestState } from './state.js';

const NUMERIC = /^\d+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX = /^[0-9a-f]{12,}$/i;
const TOKEN = /^(?=.*\d)[A-Za-z0-9_-]{16,}$/;
/**
 * A slug: four or more hyphenated words (`how-to-train-your-dragon`), or words ending in a part
 * that mixes letters and digits (`my-first-post-x7k2q`, the unique suffix many apps append).
 */
const SLUG = /^(?:[a-z0-9]+-){3,}[a-z0-9]+$|^(?:[a-z0-9]+-)+(?=[a-z]*\d)(?=\d*[a-z])[a-z0-9]{4,}$/i;
const cache = new Map<string, string>();
registerFootprint(() => cache);
const CACHE_LIMIT = 5000;

/**
 * `/users/42/orders?x=1` → `/users/:id/orders` (numbers, UUIDs, long hex, tokens and slugs become
 * params). The fallback when no framework named the route.
 */
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
      if (SLUG.test(segment)) return ':slug';
      if (TOKEN.test(segment)) return ':token';
      return segment;
    })
    .join('/');
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(path, template);
  return template || '/';
}

/**
 * The route label of a request (`GET /users/:id`): the one set when the request ended, else one
 * derived from its URL now (a query finishes before its request does).
 */
export function routeOf(state: RequestState): string {
  if (state.route) return state.route;
  if (state.knownRoute !== undefined) return state.knownRoute;
  const route = `${state.method} ${frameworkRoute(state.raw) ?? routeTemplate(state.url)}`;
  // Computed once per request when it cannot change any more (every query asks for it).
  if (routeIsFinal(state.raw)) state.knownRoute = route;
  return route;
}
