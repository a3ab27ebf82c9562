/** Which functions a rolled-back EXPLAIN ANALYZE may call, from what pg_proc says about them. */
import { describe, expect, it } from 'vitest';
import { classifyFunction, type PgFunctionInfo } from './function-safety.js';

function fn(overrides: Partial<PgFunctionInfo>): PgFunctionInfo {
  return {
    oid: 1,
    schema: 'pg_catalog',
    name: 'f',
    volatility: 'v',
    language: 'internal',
    trusted: false,
    atomic: false,
    builtin: true,
    extension: null,
    returnsTrigger: false,
    ...overrides,
  };
}

const user = (overrides: Partial<PgFunctionInfo>) =>
  fn({
    schema: 'public',
    builtin: false,
    language: 'plpgsql',
    trusted: true,
    oid: 20000,
    ...overrides,
  });

describe('classifyFunction', () => {
  it('accepts stable and immutable built-ins, and volatile ones a rollback undoes', () => {
    expect(classifyFunction(fn({ name: 'lower', volatility: 'i' }))).toEqual({ kind: 'safe' });
    expect(classifyFunction(fn({ name: 'now', volatility: 's' }))).toEqual({ kind: 'safe' });
    for (const name of [
      'random',
      'clock_timestamp',
      'set_config',
      'pg_advisory_xact_lock',
      'pg_notify',
      'pg_sleep',
    ])
      expect(classifyFunction(fn({ name })), name).toEqual({ kind: 'safe' });
    expect(classifyFunction(fn({ name: 'RI_FKey_cascade_del', returnsTrigger: true }))).toEqual({
      kind: 'safe',
    });
  });

  it('lets nextval run with a caveat, but not from inside a function declared STABLE', () => {
    expect(classifyFunction(fn({ name: 'nextval' }))).toEqual({ kind: 'sequence' });
    const liar = user({ name: 'next_id', volatility: 's' });
    const verdict = classifyFunction(fn({ name: 'nextval' }), liar);
    expect(verdict.kind).toBe('unsafe');
    expect(verdict.kind === 'unsafe' && verdict.reason).toMatch(
      /public\.next_id\(\), which is declared STABLE/,
    );
  });

  it('refuses volatile built-ins with effects outside the transaction', () => {
    for (const name of [
      'setval',
      'pg_terminate_backend',
      'pg_cancel_backend',
      'pg_advisory_lock',
      'pg_reload_conf',
      'pg_stat_reset',
      'lo_export',
      'query_to_xml',
      'pg_switch_wal',
      'some_future_builtin',
    ]) {
      expect(classifyFunction(fn({ name })).kind, name).toBe('unsafe');
    }
  });

  it('judges extension functions by their volatility, with a few known random-value functions', () => {
    expect(
      classifyFunction(
        fn({ builtin: false, schema: 'public', name: 'dblink_exec', extension: 'dblink' }),
      ).kind,
    ).toBe('unsafe');
    expect(
      classifyFunction(fn({ builtin: false, name: 'uuid_generate_v4', extension: 'uuid-ossp' })),
    ).toEqual({ kind: 'safe' });
    expect(
      classifyFunction(
        fn({ builtin: false, name: 'digest', extension: 'pgcrypto', volatility: 'i' }),
      ),
    ).toEqual({ kind: 'safe' });
  });

  it('refuses volatile user functions and untrusted languages; trusts STABLE ones and SQL-standard bodies', () => {
    expect(classifyFunction(user({ name: 'audit' })).kind).toBe('unsafe');
    expect(
      classifyFunction(
        user({ name: 'py', language: 'plpython3u', trusted: false, volatility: 'i' }),
      ).kind,
    ).toBe('unsafe');
    expect(
      classifyFunction(user({ name: 'c_func', language: 'c', trusted: false, volatility: 's' }))
        .kind,
    ).toBe('unsafe');
    expect(classifyFunction(user({ name: 'reader', volatility: 's' }))).toEqual({ kind: 'safe' });
    expect(classifyFunction(user({ name: 'atomic', language: 'sql', atomic: true }))).toEqual({
      kind: 'safe',
    });
  });
});
