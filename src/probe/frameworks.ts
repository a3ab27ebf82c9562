/**
 * Route templates learnt from web frameworks: Koa (koa-router / @koa/router's matched route),
 * Fastify (the route's URL from its route options), Hapi (`request.route.path`) and Express
 * (`req.route.path` + `baseUrl`; NestJS runs on Express or Fastify).
 * Each leaves the template (or the object holding it) on the raw node:http request, where the
 * probe reads it when the response is finished.
 */
import diagnostics from 'node:diagnostics_channel';
import { type Instrument, instrumentAppModules } from './drivers/load.js';

/** Symbol on the raw request: the route template a framework reported. */
const TEMPLATE = Symbol.for('redline.probe.route-template');
/** Symbol on the raw request: the Koa context of the request. */
const KOA_CONTEXT = Symbol.for('redline.probe.koa-context');
const PATCHED = Symbol.for('redline.probe.patched');

type AnyFn = (this: unknown, ...args: unknown[]) => unknown;

/**
 * A framework that names a request's route only after its first middleware ran (Koa, Hapi) serves
 * requests here (set when a Koa context or a Hapi server is created, not when the module merely
 * loads: the probe loads every declared framework eagerly).
 */
let routesNamedLater = false;

/**
 * Koa: wraps `Application.prototype.createContext` so the raw request points at its context;
 * koa-router and @koa/router set `ctx._matchedRoute` / `ctx.routerPath` (prefix included) there.
 */
export const instrumentKoa: Instrument = (mod) => {
  const Application = ((mod as { default?: unknown }).default ?? mod) as {
    prototype?: Record<string | symbol, unknown>;
  };
  const proto = Application?.prototype;
  const original = proto?.['createContext'];
  if (!proto || typeof original !== 'function') return false;
  if ((original as unknown as Record<symbol, unknown>)[PATCHED]) return true;
  const createContext = function (this: unknown, ...args: unknown[]) {
    routesNamedLater = true;
    const ctx = (original as AnyFn).apply(this, args);
    const req = args[0];
    if (req && typeof req === 'object') (req as Record<symbol, unknown>)[KOA_CONTEXT] = ctx;
    return ctx;
  };
  Object.defineProperty(createContext, PATCHED, { value: true });
  proto['createContext'] = createContext;
  return true;
};

let fastifySubscribed = false;

/**
 * Fastify (4 and 5): every instance announces itself on the `fastify.initialization` diagnostics
 * channel; an `onRequest` hook (routing is done by then) copies the route's URL template
 * (`request.routeOptions.url`, `routerPath` on older 4.x) onto the raw request.
 */
export function instrumentFastify(): void {
  if (fastifySubscribed) return;
  fastifySubscribed = true;
  diagnostics.subscribe('fastify.initialization', (message) => {
    const fastify = (message as { fastify?: { addHook?: AnyFn } }).fastify;
    if (typeof fastify?.addHook !== 'function') return;
    try {
      fastify.addHook.call(
        fastify,
        'onRequest',
        (request: unknown, _reply: unknown, done: unknown) => {
          const r = request as {
            raw?: Record<symbol, unknown>;
            routeOptions?: { url?: unknown };
            routerPath?: unknown;
          };
          const url = r.routeOptions?.url ?? r.routerPath;
          if (r.raw && typeof url === 'string') r.raw[TEMPLATE] = url;
          (done as () => void)();
        },
      );
    } catch {
      // an instance that refuses hooks keeps the path heuristic
    }
  });
}

/**
 * Hapi: wraps the `server()` factory so each server gets an `onPreAuth` extension (routing is done
 * by then) that copies `request.route.path` onto the raw request; Hapi's own not-found route
 * (method `_special`) is left to the path heuristic.
 */
export const instrumentHapi: Instrument = (mod) => {
  const hapi = mod as Record<string | symbol, unknown> | undefined;
  const original = hapi?.['server'];
  if (!hapi || typeof original !== 'function') return false;
  if ((original as unknown as Record<symbol, unknown>)[PATCHED]) return true;
  const server = function (this: unknown, ...args: unknown[]) {
    routesNamedLater = true;
    const instance = (original as AnyFn).apply(this, args) as { ext?: AnyFn } | undefined;
    try {
      instance?.ext?.call(instance, 'onPreAuth', (request: unknown, h: unknown) => {
        const r = request as {
          raw?: { req?: Record<symbol, unknown> };
          route?: { path?: unknown; method?: unknown };
        };
        if (r.raw?.req && typeof r.route?.path === 'string' && r.route.method !== '_special')
          r.raw.req[TEMPLATE] = r.route.path;
        return (h as { continue: unknown }).continue;
      });
    } catch {
      // a server that refuses extensions keeps the path heuristic
    }
    return instance;
  };
  Object.defineProperty(server, PATCHED, { value: true });
  hapi['server'] = server;
  return true;
};

/** Starts learning route templates from the frameworks the application uses. */
export function instrumentFrameworks(entry: string | undefined): Record<string, string> {
  instrumentFastify();
  return instrumentAppModules(entry, [
    ['koa', instrumentKoa],
    ['@hapi/hapi', instrumentHapi],
  ]);
}

/**
 * The route template a framework gave this raw request, if any: Fastify's route URL, Koa's
 * matched route, Express's `baseUrl + route.path` (string paths only; a RegExp route or no
 * match leaves the path heuristic to decide).
 */
export function frameworkRoute(request: unknown): string | undefined {
  if (!request || typeof request !== 'object') return undefined;
  const marked = (request as Record<symbol, unknown>)[TEMPLATE];
  if (typeof marked === 'string') return marked || '/';
  const ctx = (request as Record<symbol, unknown>)[KOA_CONTEXT] as
    | { _matchedRoute?: unknown; routerPath?: unknown }
    | undefined;
  if (ctx) {
    const matched = ctx._matchedRoute ?? ctx.routerPath;
    if (typeof matched === 'string') return matched || '/';
  }
  const req = request as { route?: { path?: unknown }; baseUrl?: unknown };
  const path = req.route?.path;
  if (typeof path !== 'string') return undefined;
  return `${typeof req.baseUrl === 'string' ? req.baseUrl : ''}${path}` || '/';
}

/**
 * True when the route a raw request has now is the one it ends with: a framework named it already,
 * or none can name it later (plain node:http keeps the path heuristic). Koa and Hapi name routes
 * after their first middleware, Express (`req.app` on the request) when a route matches.
 */
export function routeIsFinal(request: unknown): boolean {
  if (frameworkRoute(request) !== undefined) return true;
  if (routesNamedLater) return false;
  return !(request && typeof request === 'object' && 'app' in request);
}
