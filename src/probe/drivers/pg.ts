/** Instruments node-postgres: Client.prototype.query, and Pool query/connect (waits, gauges). */
import { addPoolWait, beginQuery, finishQuery, type QueryOutcome } from '../recorder.js';
import { now, type QueryRecord, type RequestState, requestStorage } from '../state.js';
import { markPatched, ownerOf, PendingQueries } from './pending.js';
import { registerPool } from './pools.js';

type AnyFn = (this: unknown, ...args: unknown[]) => unknown;
interface PgPoolLike {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
  options?: { max?: number };
}

const pending = new PendingQueries();
let inPoolQuery = 0;

/** Patches a loaded `pg` module (idempotent). Returns true when something was patched. */
export function instrumentPg(pg: unknown): boolean {
  const mod = pg as { Client?: { prototype: object }; Pool?: { prototype: object } } | undefined;
  let patched = false;
  const clientProto = mod?.Client?.prototype ? ownerOf(mod.Client.prototype, 'query') : undefined;
  if (clientProto && markPatched(clientProto, 'pg.client')) {
    clientProto['query'] = wrapClientQuery(clientProto['query'] as AnyFn);
    patched = true;
  }
  const poolQueryOwner = mod?.Pool?.prototype ? ownerOf(mod.Pool.prototype, 'query') : undefined;
  if (poolQueryOwner && markPatched(poolQueryOwner, 'pg.pool')) {
    poolQueryOwner['query'] = wrapPoolQuery(poolQueryOwner['query'] as AnyFn);
    const connectOwner = ownerOf(poolQueryOwner, 'connect');
    if (connectOwner) connectOwner['connect'] = wrapPoolConnect(connectOwner['connect'] as AnyFn);
    patched = true;
  }
  return patched;
}

function readPgPool(pool: object) {
  const p = pool as PgPoolLike;
  return {
    total: p.totalCount,
    idle: p.idleCount,
    waiting: p.waitingCount,
    max: p.options?.max ?? 10,
  };
}

function isQueued(pool: PgPoolLike): boolean {
  return pool.totalCount >= (pool.options?.max ?? 10) && pool.idleCount === 0;
}

/**
 * Rows and columns of a pg result. Column names are listed only for a query whose rows are
 * sampled for SELECT * (`record.usedColumns`): every other query needs the count alone, and the
 * names array and the object spreads were allocated per query for nothing.
 */
function outcomeOf(result: unknown, error: unknown, record: QueryRecord): QueryOutcome {
  if (error) return { rows: 0, error: true };
  type PgResult = { rowCount?: number; rows?: unknown[]; fields?: Array<{ name: string }> };
  let rows = 0;
  let last: PgResult | undefined;
  if (Array.isArray(result)) {
    for (const r of result as PgResult[]) rows += r?.rows?.length ?? r?.rowCount ?? 0;
    last = result[result.length - 1] as PgResult | undefined;
  } else {
    last = result as PgResult | undefined;
    rows = last?.rows?.length ?? last?.rowCount ?? 0;
  }
  const outcome: QueryOutcome = { rows };
  const fields = last?.fields;
  if (fields) {
    outcome.columns = fields.length;
    if (record.usedColumns) outcome.columnNames = fields.map((f) => f.name);
  }
  if (record.usedColumns && Array.isArray(last?.rows)) outcome.rowsArray = last.rows;
  return outcome;
}

function wrapClientQuery(original: AnyFn): AnyFn {
  return function query(this: unknown, ...args: unknown[]) {
    const [config, values, callback] = args;
    const claimed = pending.claim(config, values);
    if (claimed) {
      claimed.execStart = now();
      return original.apply(this, args);
    }
    const state = requestStorage.getStore();
    const text = typeof config === 'string' ? config : (config as { text?: unknown } | null)?.text;
    if (!state || typeof text !== 'string') return original.apply(this, args);
    const params = Array.isArray(values) ? values : (config as { values?: unknown })?.values;
    const record = beginQuery(state, 'pg', text, params, false, query as never);
    if (typeof (config as { submit?: unknown }).submit === 'function') {
      const submittable = original.apply(this, args) as {
        once?: (e: string, f: (x?: unknown) => void) => void;
      };
      submittable?.once?.('end', () => finishQuery(state, record, { rows: 0 }));
      submittable?.once?.('error', () => finishQuery(state, record, { rows: 0, error: true }));
      return submittable;
    }
    return invoke(this, original, state, record, [config, values, callback]);
  };
}

/** Calls the original with a wrapped callback, or wraps the promise it returns. */
function invoke(
  self: unknown,
  original: AnyFn,
  state: RequestState,
  record: QueryRecord,
  args: unknown[],
): unknown {
  const [config, values, callback] = args;
  const cb = typeof values === 'function' ? values : callback;
  if (typeof cb === 'function') {
    const wrapped = (error: unknown, result: unknown) => {
      finishQuery(state, record, outcomeOf(result, error, record));
      return (cb as AnyFn)(error, result);
    };
    return typeof values === 'function'
      ? original.call(self, config, wrapped)
      : original.call(self, config, values, wrapped);
  }
  // Promise mode: call pg in callback mode under one promise of ours (pg would create two, and a
  // .then() on them a third: every promise costs an async-hook call while the probe is on).
  return new Promise((resolve, reject) => {
    original.call(self, config, values, (error: unknown, result: unknown) => {
      finishQuery(state, record, outcomeOf(result, error, record));
      if (error) reject(error);
      else resolve(result);
    });
  });
}

function wrapPoolQuery(original: AnyFn): AnyFn {
  return function query(this: unknown, ...args: unknown[]) {
    const [text, values, callback] = args;
    const state = requestStorage.getStore();
    const sql = typeof text === 'string' ? text : (text as { text?: unknown } | null)?.text;
    if (!state || typeof sql !== 'string') return original.apply(this, args);
    const pool = this as PgPoolLike;
    registerPool('pg', pool as object, readPgPool);
    let cb = callback;
    let vals = values;
    if (typeof values === 'function') {
      cb = values;
      vals = undefined;
    }
    const params = Array.isArray(vals) ? vals : (text as { values?: unknown })?.values;
    const record = beginQuery(state, 'pg', sql, params, isQueued(pool), query as never);
    pending.add(text, vals, record);
    inPoolQuery++;
    try {
      if (typeof cb === 'function') {
        return original.call(this, text, vals, (error: unknown, result: unknown) => {
          pending.drop(record);
          finishQuery(state, record, outcomeOf(result, error, record));
          return (cb as AnyFn)(error, result);
        });
      }
      return new Promise((resolve, reject) => {
        original.call(this, text, vals, (error: unknown, result: unknown) => {
          if (error) pending.drop(record);
          finishQuery(state, record, outcomeOf(result, error, record));
          if (error) reject(error);
          else resolve(result);
        });
      });
    } finally {
      inPoolQuery--;
    }
  };
}

function wrapPoolConnect(original: AnyFn): AnyFn {
  return function connect(this: unknown, ...args: unknown[]) {
    const [callback] = args;
    const state = requestStorage.getStore();
    if (!state || inPoolQuery > 0) return original.apply(this, args);
    const pool = this as PgPoolLike;
    registerPool('pg', pool as object, readPgPool);
    const queued = isQueued(pool);
    const t0 = now();
    const done = () => {
      if (queued) addPoolWait(state, now() - t0);
    };
    if (typeof callback === 'function') {
      return original.call(this, (error: unknown, client: unknown, release: unknown) => {
        done();
        return (callback as AnyFn)(error, client, release);
      });
    }
    return (original.call(this) as Promise<unknown>).then((client) => {
      done();
      return client;
    });
  };
}
