/** Instruments mysql2 (callback and promise APIs): connection query/execute, pool query/execute/getConnection. */
import { addPoolWait, beginQuery, finishQuery, type QueryOutcome } from '../recorder.js';
import { now, type QueryRecord, type RequestState, requestStorage } from '../state.js';
import { markPatched, ownerOf, PendingQueries } from './pending.js';
import { registerPool } from './pools.js';

type AnyFn = (this: unknown, ...args: unknown[]) => unknown;
interface Mysql2PoolLike {
  _allConnections?: { length: number };
  _freeConnections?: { length: number };
  _connectionQueue?: { length: number };
  config?: { connectionLimit?: number };
}

const POOL_RECORD = Symbol.for('redline.probe.mysql2.record');
const pending = new PendingQueries();
let inPool = 0;

/** Patches a loaded `mysql2` module (the callback API; mysql2/promise wraps it). */
export function instrumentMysql2(mysql2: unknown): boolean {
  const mod = mysql2 as
    | { Connection?: { prototype: object }; Pool?: { prototype: object } }
    | undefined;
  let patched = false;
  const conn = mod?.Connection?.prototype ? ownerOf(mod.Connection.prototype, 'query') : undefined;
  if (conn && markPatched(conn, 'mysql2.connection')) {
    conn['query'] = wrapConnection(conn['query'] as AnyFn);
    const exec = ownerOf(conn, 'execute');
    if (exec) exec['execute'] = wrapConnection(exec['execute'] as AnyFn);
    patched = true;
  }
  const pool = mod?.Pool?.prototype ? ownerOf(mod.Pool.prototype, 'query') : undefined;
  if (pool && markPatched(pool, 'mysql2.pool')) {
    pool['query'] = wrapPool(pool['query'] as AnyFn);
    const exec = ownerOf(pool, 'execute');
    if (exec) exec['execute'] = wrapPool(exec['execute'] as AnyFn);
    const get = ownerOf(pool, 'getConnection');
    if (get) get['getConnection'] = wrapGetConnection(get['getConnection'] as AnyFn);
    patched = true;
  }
  return patched;
}

function readPool(pool: object) {
  const p = pool as Mysql2PoolLike;
  const total = p._allConnections?.length ?? 0;
  const idle = p._freeConnections?.length ?? 0;
  return {
    total,
    idle,
    waiting: p._connectionQueue?.length ?? 0,
    max: p.config?.connectionLimit ?? 10,
  };
}

function isQueued(pool: object): boolean {
  const g = readPool(pool);
  return g.total >= g.max && g.idle === 0;
}

function outcomeOf(error: unknown, rows: unknown, fields: unknown): QueryOutcome {
  if (error) return { rows: 0, error: true };
  const list = Array.isArray(rows) ? rows : undefined;
  const names = Array.isArray(fields)
    ? fields.map((f: { name?: string }) => String(f?.name ?? ''))
    : undefined;
  return {
    rows: list ? list.length : 0,
    ...(names ? { columnNames: names } : {}),
    ...(list && names ? { rowsArray: list } : {}),
  };
}

function split(values: unknown, callback: unknown): { values: unknown; cb: AnyFn | undefined } {
  if (typeof values === 'function') return { values: undefined, cb: values as AnyFn };
  return { values, cb: typeof callback === 'function' ? (callback as AnyFn) : undefined };
}

function sqlOf(sql: unknown): string | undefined {
  if (typeof sql === 'string') return sql;
  const text = (sql as { sql?: unknown } | null)?.sql;
  return typeof text === 'string' ? text : undefined;
}

function wrapConnection(original: AnyFn): AnyFn {
  return function query(this: unknown, ...all: unknown[]) {
    const [sql, values, callback] = all;
    const fromPool =
      (sql as Record<symbol, QueryRecord> | null)?.[POOL_RECORD] ?? pending.claim(sql, values);
    if (fromPool) {
      fromPool.execStart = now();
      return original.apply(this, all);
    }
    const state = requestStorage.getStore();
    const text = sqlOf(sql);
    if (
      !state ||
      text === undefined ||
      (sql as { constructor?: { name?: string } }).constructor?.name === 'Query'
    ) {
      return original.apply(this, all);
    }
    const args = split(values, callback);
    const record = beginQuery(
      state,
      'mysql2',
      text,
      args.values ?? (sql as { values?: unknown })?.values,
      false,
      query as never,
    );
    return call(this, original, state, record, sql, args);
  };
}

/** Calls with a wrapped callback, or listens to the returned command's events. */
function call(
  self: unknown,
  original: AnyFn,
  state: RequestState,
  record: QueryRecord,
  sql: unknown,
  args: { values: unknown; cb: AnyFn | undefined },
): unknown {
  const { cb } = args;
  if (cb) {
    return original.call(
      self,
      sql,
      args.values,
      (error: unknown, rows: unknown, fields: unknown) => {
        finishQuery(state, record, outcomeOf(error, rows, fields));
        return cb(error, rows, fields);
      },
    );
  }
  const command = original.call(self, sql, args.values) as
    | { once?: (e: string, f: () => void) => void }
    | undefined;
  let rows = 0;
  (command as { on?: (e: string, f: () => void) => void })?.on?.('result', () => void rows++);
  command?.once?.('end', () => finishQuery(state, record, { rows }));
  command?.once?.('error', () => finishQuery(state, record, { rows: 0, error: true }));
  return command;
}

function wrapPool(original: AnyFn): AnyFn {
  return function query(this: unknown, ...all: unknown[]) {
    const [sql, values, callback] = all;
    const state = requestStorage.getStore();
    const text = sqlOf(sql);
    if (!state || text === undefined) return original.apply(this, all);
    registerPool('mysql2', this as object, readPool);
    const args = split(values, callback);
    const record = beginQuery(
      state,
      'mysql2',
      text,
      args.values ?? (sql as { values?: unknown })?.values,
      isQueued(this as object),
      query as never,
    );
    pending.add(sql, args.values, record);
    inPool++;
    try {
      const command = call(this, original, state, record, sql, args);
      if (command && typeof command === 'object')
        (command as Record<symbol, QueryRecord>)[POOL_RECORD] = record;
      return command;
    } finally {
      inPool--;
    }
  };
}

function wrapGetConnection(original: AnyFn): AnyFn {
  return function getConnection(this: unknown, ...all: unknown[]) {
    const [callback] = all;
    const state = requestStorage.getStore();
    if (!state || inPool > 0 || typeof callback !== 'function') return original.apply(this, all);
    registerPool('mysql2', this as object, readPool);
    const queued = isQueued(this as object);
    const t0 = now();
    return original.call(this, (error: unknown, connection: unknown) => {
      if (queued) addPoolWait(state, now() - t0);
      return (callback as AnyFn)(error, connection);
    });
  };
}
