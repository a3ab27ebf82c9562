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

/** Longest parameter value compared with path segments (longer strings are not path parts). */
const MAX_SEGMENT_CHARS = 200;

/**
 * Notes the path segments of the request that a query takes as parameters. An application with
 * its own router (no framework the probe knows) leaves no template, and the path heuristic keeps
 * a word segment (`/categories/books/items`): one "route" per category, and findings filed under
 * raw paths. A segment passed verbatim to a query is data, not part of the route: at the end of
 * the request it becomes a parameter named after the column it is compared with (`slug = $1` →
 * `:slug`; `:param` when the SQL does not say). The first segment stays literal (a top-level
 * resource name), and only segments the heuristic left literal are considered. A value binds one
 * segment, the first that holds it: a deeper literal segment that happens to read the same
 * (`/lists/books/books` with `books` passed once) stays part of the route.
 */
export function noteBoundParams(state: RequestState, text: string, params: unknown): void {
  if (!Array.isArray(params)) return;
  let segments: ReadonlyArray<string | undefined> | undefined;
  for (let i = 0; i < params.length; i++) {
    const value: unknown = params[i];
    if (typeof value !== 'string' || value.length === 0 || value.length > MAX_SEGMENT_CHARS)
      continue;
    if (state.boundSegments?.has(value)) continue;
    state.literalSegments ??= literalSegments(state.url);
    segments ??= state.literalSegments;
    const at = segments.indexOf(value); // the first segment that reads `value`
    if (at < 0) continue;
    state.boundSegments ??= new Map();
    state.boundSegments.set(value, { at, name: parameterName(text, i) });
    state.knownRoute = undefined; // the route label changed: routeOf computes it again
  }
}

/** `template` with the segments noted by {@link noteBoundParams} as `:name` parameters. */
export function withBoundSegments(template: string, state: RequestState): string {
  const bound = state.boundSegments;
  if (!bound || bound.size === 0) return template;
  const parts = template.split('/');
  for (const { at, name } of bound.values()) if (at < parts.length) parts[at] = `:${name}`;
  return parts.join('/');
}

/**
 * The URL's decoded path segments by position, where the heuristic template keeps them literal
 * (`undefined` elsewhere, and for the first segment).
 */
function literalSegments(url: string): Array<string | undefined> {
  const q = url.indexOf('?');
  const path = (q >= 0 ? url.slice(0, q) : url).split('/');
  const template = routeTemplate(url).split('/');
  const literal: Array<string | undefined> = [];
  for (let i = 0; i < path.length; i++)
    literal.push(
      i >= 2 && path[i] && path[i] === template[i] ? decodeSegment(path[i] as string) : undefined,
    );
  return literal;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Parameter names per query text (index → name), bounded like the template cache. */
const parameterNames = new Map<string, string[]>();
registerFootprint(() => parameterNames);

/**
 * The column compared with parameter `index` (0-based) in `text` (cached: the regular expressions
 * below, built per binding, were most of a bound request's bookkeeping, ~4 µs; bench/RESULTS.md).
 */
function parameterName(text: string, index: number): string {
  let names = parameterNames.get(text);
  if (!names) {
    if (parameterNames.size >= CACHE_LIMIT) parameterNames.clear();
    names = [];
    parameterNames.set(text, names);
  }
  let name = names[index];
  if (name === undefined) {
    name = findParameterName(text, index);
    names[index] = name;
  }
  return name;
}

/** The column compared with parameter `index` (0-based) in `text`: `$n` or the n-th `?`. */
function findParameterName(text: string, index: number): string {
  const column = String.raw`([A-Za-z_]\w*)\s*(?:=|<>|!=|\bI?LIKE\b)\s*`;
  const numbered = new RegExp(String.raw`${column}\$${index + 1}(?!\d)`, 'i').exec(text);
  if (numbered?.[1]) return numbered[1];
  const parts = text.split('?');
  if (parts.length > index + 1) {
    const before = new RegExp(`${column}$`, 'i').exec(parts[index] ?? '');
    if (before?.[1]) return before[1];
  }
  return 'param';
}

/**
 * The route label of a request (`GET /users/:id`): the one set when the request ended, else one
 * derived from its URL now (a query finishes before its request does).
 */
export function routeOf(state: RequestState): string {
  if (state.route) return state.route;
  if (state.knownRoute !== undefined) return state.knownRoute;
  const route = `${state.method} ${frameworkRoute(state.raw) ?? withBoundSegments(routeTemplate(state.url), state)}`;
  // Computed once per request when it cannot change any more (every query asks for it).
  if (routeIsFinal(state.raw)) state.knownRoute = route;
  return route;
}
