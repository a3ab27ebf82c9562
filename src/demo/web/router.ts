/** A tiny method + path router (`/items/:id`) answering 404 for unknown paths and 405 with `Allow` for wrong methods. */
import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-error.js';

/** What a handler returns: a JSON body and optionally a status (default 200) and headers. */
export interface RouteReply {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
  /** The body carries credentials (a token): it is never kept in the request history. */
  private?: boolean;
}

/** What a handler receives; `App` is the application's shared state (database, switches, …). */
export interface RouteContext<App> {
  req: IncomingMessage;
  url: URL;
  params: Record<string, string>;
  app: App;
}

/** A route handler. */
export type RouteHandler<App> = (ctx: RouteContext<App>) => Promise<RouteReply>;

/** One route: method, pattern (segments starting with `:` are parameters) and handler. */
export interface Route<App> {
  method: string;
  pattern: string;
  handler: RouteHandler<App>;
}

/** The route that matched and its parameters. */
export interface RouteMatch<App> {
  route: Route<App>;
  params: Record<string, string>;
}

/** Matches requests against a fixed list of routes. */
export interface Router<App> {
  /** Finds the route for a method and path; throws 404 or 405 (with `Allow`) HttpErrors. */
  match(method: string, pathname: string): RouteMatch<App>;
}

/** Builds a router; patterns are split once, matching is a linear scan (a handful of routes). */
export function createRouter<App>(routes: readonly Route<App>[]): Router<App> {
  const compiled = routes.map((route) => ({ route, segments: route.pattern.split('/').slice(1) }));
  return {
    match(method, pathname) {
      const parts = pathname.split('/').slice(1);
      const allowed: string[] = [];
      for (const { route, segments } of compiled) {
        const params = matchSegments(segments, parts);
        if (!params) continue;
        if (route.method === method) return { route, params };
        allowed.push(route.method);
      }
      if (allowed.length === 0) throw new HttpError(404, 'not_found', `no route for ${pathname}`);
      throw new HttpError(405, 'method_not_allowed', `${method} is not allowed on ${pathname}`, {
        allow: allowed.join(', '),
      });
    },
  };
}

function matchSegments(segments: string[], parts: string[]): Record<string, string> | null {
  if (segments.length !== parts.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] ?? '';
    const part = parts[i] ?? '';
    if (segment.startsWith(':')) {
      if (part.length === 0) return null;
      try {
        params[segment.slice(1)] = decodeURIComponent(part);
      } catch {
        return null;
      }
    } else if (segment !== part) {
      return null;
    }
  }
  return params;
}
