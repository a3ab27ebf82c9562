/** Instruments PGlite: query / exec on the instance and inside transaction() callbacks. */
import { beginQuery, finishQuery, type QueryOutcome } from '../recorder.js';
import { requestStorage } from '../state.js';
import { markPatched, ownerOf } from './pending.js';

type AnyFn = (this: unknown, ...args: unknown[]) => unknown;

/** Patches a loaded `@electric-sql/pglite` module (ESM or CJS build; idempotent). */
export function instrumentPglite(mod: unknown): boolean {
  const cls = (mod as { PGlite?: { prototype: object } } | undefined)?.PGlite;
  const owner = cls?.prototype ? ownerOf(cls.prototype, 'query') : undefined;
  if (!owner || !markPatched(owner, 'pglite')) return false;
  owner['query'] = wrap(owner['query'] as AnyFn, 'query');
  if (typeof owner['exec'] === 'function') owner['exec'] = wrap(owner['exec'] as AnyFn, 'exec');
  const txOwner = ownerOf(owner, 'transaction');
  if (txOwner) txOwner['transaction'] = wrapTransaction(txOwner['transaction'] as AnyFn);
  return true;
}

function outcomeOf(result: unknown, error: unknown): QueryOutcome {
  if (error) return { rows: 0, error: true };
  const list = Array.isArray(result) ? result : [result];
  const last = list[list.length - 1] as
    | { rows?: unknown[]; fields?: Array<{ name: string }> }
    | undefined;
  const rows = list.reduce(
    (acc: number, r) => acc + ((r as { rows?: unknown[] })?.rows?.length ?? 0),
    0,
  );
  return {
    rows,
    ...(last?.fields ? { columnNames: last.fields.map((f) => f.name) } : {}),
    ...(Array.isArray(last?.rows) ? { rowsArray: last.rows } : {}),
  };
}

function wrap(original: AnyFn, kind: 'query' | 'exec'): AnyFn {
  const wrapped = function (this: unknown, sql: unknown, params?: unknown, ...rest: unknown[]) {
    const state = requestStorage.getStore();
    if (!state || typeof sql !== 'string') return original.call(this, sql, params, ...rest);
    const record = beginQuery(
      state,
      'pglite',
      sql,
      kind === 'query' ? params : undefined,
      false,
      wrapped as never,
    );
    return (original.call(this, sql, params, ...rest) as Promise<unknown>).then(
      (result) => {
        finishQuery(state, record, outcomeOf(result, undefined));
        return result;
      },
      (error) => {
        finishQuery(state, record, outcomeOf(undefined, error));
        throw error;
      },
    );
  };
  return wrapped;
}

function wrapTransaction(original: AnyFn): AnyFn {
  return function transaction(this: unknown, callback: unknown, ...rest: unknown[]) {
    if (typeof callback !== 'function') return original.call(this, callback, ...rest);
    return original.call(
      this,
      (tx: Record<string, unknown>) => {
        if (requestStorage.getStore()) {
          if (typeof tx['query'] === 'function') tx['query'] = wrap(tx['query'] as AnyFn, 'query');
          if (typeof tx['exec'] === 'function') tx['exec'] = wrap(tx['exec'] as AnyFn, 'exec');
        }
        return (callback as AnyFn)(tx);
      },
      ...rest,
    );
  };
}
