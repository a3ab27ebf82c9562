/**
 * Query origins for libraries that run the application's queries from their own promise
 * machinery, where the driver's stack has no application frame (see `currentOrigin` in
 * query-site.ts): knex ≤ 0.20 (bluebird) and TypeORM 0.2 (tslib's generator-based `__awaiter`).
 * The stack is captured where the application calls the library (building a knex query, a TypeORM
 * repository, manager or query builder method) and the library's work runs with it as the origin.
 * Newer versions use native async functions, whose frames V8 keeps across `await`: they are left
 * alone (no capture cost).
 */
import { instrumentAppModules } from './drivers/load.js';
import { type CallSiteHolder, captureSite, currentOrigin, runWithOrigin } from './query-site.js';
import { requestStorage } from './state.js';

type AnyFn = (this: unknown, ...args: unknown[]) => unknown;

const PATCHED = Symbol.for('redline.probe.origins');
const ORIGIN = Symbol.for('redline.probe.origin');

/**
 * Wraps a library entry point: inside a request, and unless an origin is already active (a
 * library method calling another), the caller's stack becomes the origin of the work it starts.
 */
function withOrigin(original: AnyFn): AnyFn {
  const wrapped = function (this: unknown, ...args: unknown[]) {
    if (!requestStorage.getStore() || currentOrigin()) return original.apply(this, args);
    const origin = captureSite(wrapped as never);
    return runWithOrigin(origin, () => original.apply(this, args));
  };
  return wrapped;
}

/** True when a function was compiled to run on a promise library or a generator awaiter. */
function runsOffNativeAwait(fn: unknown): boolean {
  return typeof fn === 'function' && !/^async\b/.test(Function.prototype.toString.call(fn));
}

/** knex: the builder keeps the stack it was built from; its runner runs with it as origin. */
export function instrumentKnex(mod: unknown): boolean {
  const Client = (mod as { Client?: { prototype?: Record<PropertyKey, unknown> } } | undefined)
    ?.Client;
  const proto = Client?.prototype;
  if (!proto || typeof proto['queryBuilder'] !== 'function') return false;
  if (proto[PATCHED]) return true;
  Object.defineProperty(proto, PATCHED, { value: true });
  // knex ≥ 0.21 acquires connections in an async function: the driver's stack reaches the app.
  if (!runsOffNativeAwait(proto['acquireConnection'])) return true;
  for (const name of ['queryBuilder', 'raw'] as const) {
    const original = proto[name] as AnyFn;
    const built = function (this: unknown, ...args: unknown[]) {
      const builder = original.apply(this, args);
      if (builder && typeof builder === 'object' && requestStorage.getStore())
        (builder as Record<symbol, unknown>)[ORIGIN] = captureSite(built as never);
      return builder;
    };
    proto[name] = built;
  }
  const runner = proto['runner'] as AnyFn;
  proto['runner'] = function (this: unknown, builder: unknown) {
    const made = runner.call(this, builder) as { run?: AnyFn } | undefined;
    const origin = (builder as Record<symbol, CallSiteHolder | undefined> | undefined)?.[ORIGIN];
    const run = made?.run;
    if (made && origin && typeof run === 'function')
      made.run = function (this: unknown, ...args: unknown[]) {
        return runWithOrigin(origin, () => run.apply(this, args));
      };
    return made;
  };
  return true;
}

/** TypeORM's methods that run queries, per exported class (methods a class lacks are skipped). */
const TYPEORM_ENTRY_POINTS: Record<string, readonly string[]> = {
  Connection: ['query'],
  EntityManager: [
    'query',
    'find',
    'findAndCount',
    'findByIds',
    'findOne',
    'findOneOrFail',
    'count',
    'save',
    'remove',
    'softRemove',
    'recover',
    'insert',
    'upsert',
    'update',
    'delete',
    'softDelete',
    'restore',
    'clear',
    'increment',
    'decrement',
    'preload',
  ],
  SelectQueryBuilder: [
    'getRawOne',
    'getRawMany',
    'getRawAndEntities',
    'getOne',
    'getOneOrFail',
    'getMany',
    'getCount',
    'getManyAndCount',
    'stream',
  ],
  InsertQueryBuilder: ['execute'],
  UpdateQueryBuilder: ['execute'],
  DeleteQueryBuilder: ['execute'],
  SoftDeleteQueryBuilder: ['execute'],
  RelationQueryBuilder: ['set', 'add', 'remove', 'addAndRemove', 'loadOne', 'loadMany'],
};

/**
 * TypeORM: its repository, manager and query-builder methods run with their caller's stack as
 * origin. A Repository method delegates to the EntityManager, so wrapping the manager covers it.
 * Transactions are not wrapped: the application's callback runs inside them and its queries
 * get their own origins.
 */
export function instrumentTypeorm(mod: unknown): boolean {
  const exports = mod as Record<string, { prototype?: Record<PropertyKey, unknown> } | undefined>;
  const manager = exports?.['EntityManager']?.prototype;
  if (!manager || typeof manager['findOne'] !== 'function') return false;
  if (manager[PATCHED]) return true;
  Object.defineProperty(manager, PATCHED, { value: true });
  // TypeORM ≥ 0.3 is compiled to native async functions: nothing to do.
  if (!/__awaiter/.test(Function.prototype.toString.call(manager['findOne']))) return true;
  for (const [className, methods] of Object.entries(TYPEORM_ENTRY_POINTS)) {
    const proto = exports[className]?.prototype;
    if (!proto) continue;
    for (const method of methods) {
      const original = Object.hasOwn(proto, method) ? proto[method] : undefined;
      if (typeof original === 'function') proto[method] = withOrigin(original as AnyFn);
    }
  }
  return true;
}

/** Starts giving knex ≤ 0.20 and TypeORM 0.2 queries the application's call site. */
export function instrumentQueryOrigins(entry: string | undefined): Record<string, string> {
  return instrumentAppModules(entry, [
    ['knex', instrumentKnex],
    ['typeorm', instrumentTypeorm],
  ]);
}
