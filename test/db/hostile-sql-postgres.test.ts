/**
 * `db explain` never changes data on PostgreSQL: a table of hostile statements (string-escape
 * tricks, comments, dollar quotes, transaction control, multi-statements, DDL, functions with side
 * effects, other schemas, dblink, sequences, CALL/DO/COPY/SET/PREPARE) and property-based variations
 * of the tricks. After each one, every table's rows, the catalog and the settings are unchanged,
 * and sequences moved only when the output said they could.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DbSession,
  type ExplainReport,
  explainQuery,
  type IndexSuggestion,
  verifyIndex,
} from '../../src/db/index.js';
import {
  checkTrickCombinations,
  type HostileCase,
  type HostileEnv,
  hostileCaseTests,
  type PgSnapshot,
  snapshotPg,
} from './hostile-sql-harness.js';
import { createPgDatabase, pgExec } from './pg-scratch.js';
import { ROOT } from './probe-harness.js';

let db: { url: string; name: string; drop: () => Promise<void> };
/** A connection the hostile statements try to terminate or cancel: it must survive. */
let sentinel: pg.Client;
let sentinelPid = 0;
let baseline: PgSnapshot;
/** The file file_fdw's program would create: it must never appear. */
const touched = `/tmp/rl_dbsafety_fdw_${process.pid}`;

beforeAll(async () => {
  db = await createPgDatabase('rl_dbsafety_pg');
  const remote = `dbname=${db.name} host=127.0.0.1 user=postgres`;
  await pgExec(db.url, [
    'CREATE EXTENSION dblink',
    'CREATE SCHEMA other',
    'CREATE TABLE t (id serial PRIMARY KEY, v int NOT NULL, s text)',
    `INSERT INTO t (v, s) SELECT i, md5(i::text) FROM generate_series(1, 300) AS i`,
    'CREATE TABLE other.t2 (id int PRIMARY KEY, v int)',
    'INSERT INTO other.t2 SELECT i, i FROM generate_series(1, 50) AS i',
    'CREATE TABLE ident (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v int)',
    'INSERT INTO ident (v) VALUES (1), (2)',
    'CREATE SEQUENCE s',
    'CREATE TABLE victim (n int)',
    // No view or function depends on it, so a DROP that slips through succeeds.
    'CREATE TABLE dropme (id int PRIMARY KEY, v int)',
    'INSERT INTO dropme SELECT i, i FROM generate_series(1, 20) AS i',
    'CREATE TABLE audit_log (id serial PRIMARY KEY, msg text)',
    // A volatile function that writes (rolled back, but "not known safe").
    `CREATE FUNCTION f_insert() RETURNS int LANGUAGE plpgsql AS $$ BEGIN INSERT INTO audit_log (msg) VALUES ('x'); RETURN 1; END $$`,
    // Functions that lie about their volatility and reach effects a rollback cannot undo.
    `CREATE FUNCTION f_stable_seq() RETURNS bigint STABLE LANGUAGE plpgsql AS $$ BEGIN RETURN nextval('s'); END $$`,
    `CREATE FUNCTION f_dblink() RETURNS int STABLE LANGUAGE plpgsql AS $$ BEGIN PERFORM dblink_exec('${remote}', 'INSERT INTO victim VALUES (1)'); RETURN 1; END $$`,
    `CREATE FUNCTION f_atomic_seq() RETURNS bigint STABLE LANGUAGE sql BEGIN ATOMIC SELECT nextval('s'); END`,
    `CREATE FUNCTION f_atomic_calls() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT f_dblink(); END`,
    `CREATE FUNCTION f_eq(int, int) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN PERFORM dblink_exec('${remote}', 'INSERT INTO victim VALUES (2)'); RETURN $1 = $2; END $$`,
    'CREATE OPERATOR === (LEFTARG = int, RIGHTARG = int, FUNCTION = f_eq)',
    `CREATE FUNCTION f_check(int) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN PERFORM dblink_exec('${remote}', 'INSERT INTO victim VALUES (3)'); RETURN true; END $$`,
    'CREATE DOMAIN checked_int AS int CHECK (f_check(VALUE))',
    'CREATE TABLE dom_t (c checked_int)',
    // Safe functions: ANALYZE must still run through them.
    'CREATE FUNCTION f_double(int) RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT $1 * 2 $$',
    'CREATE FUNCTION f_atomic_ok(int) RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT $1 + 1; END',
    'CREATE VIEW v_bad AS SELECT id, f_insert() AS x FROM t',
    'CREATE TABLE trig (id serial PRIMARY KEY, v int)',
    `CREATE FUNCTION trig_fn() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM dblink_exec('${remote}', 'INSERT INTO victim VALUES (4)'); RETURN NEW; END $$`,
    'CREATE TRIGGER trig_before BEFORE INSERT ON trig FOR EACH ROW EXECUTE FUNCTION trig_fn()',
    // An ordinary audit trigger: VOLATILE, writes this database only (what --trust-function is for).
    'CREATE TABLE audit_plain (msg text)',
    'CREATE TABLE stamped (id int PRIMARY KEY, v int)',
    'INSERT INTO stamped SELECT i, i FROM generate_series(1, 10) AS i',
    `CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO audit_plain VALUES ('u'); RETURN NEW; END $$`,
    'CREATE TRIGGER stamped_audit BEFORE UPDATE ON stamped FOR EACH ROW EXECUTE FUNCTION stamp()',
    'CREATE TABLE ruled (id int)',
    `CREATE RULE ruled_also AS ON INSERT TO ruled DO ALSO INSERT INTO other.t2 VALUES (nextval('s') + 1000, 0)`,
    'CREATE PROCEDURE p_delete() LANGUAGE sql AS $$ DELETE FROM t $$',
    // A foreign table whose every scan runs a shell command.
    'CREATE EXTENSION file_fdw',
    'CREATE SERVER files FOREIGN DATA WRAPPER file_fdw',
    `CREATE FOREIGN TABLE prog (line text) SERVER files OPTIONS (program 'touch ${touched}; echo x')`,
    'ANALYZE',
  ]);
  sentinel = new pg.Client({ connectionString: db.url });
  await sentinel.connect();
  sentinelPid = Number((await sentinel.query('SELECT pg_backend_pid() AS p')).rows[0].p);
  baseline = await snapshotPg(db.url);
}, 120_000);

afterAll(async () => {
  await sentinel?.end().catch(() => {});
  await db?.drop();
});

const CASES: HostileCase[] = [
  // The statements: MySQL lexical rules hid a second statement from the old guard.
  {
    name: "issue: 'a\\'; COMMIT; DROP",
    sql: "SELECT 'a\\'; COMMIT; DROP TABLE dropme; --'",
    expect: 'error',
  },
  {
    name: "issue: 'a\\'; COMMIT; DROP (--no-analyze)",
    sql: "SELECT 'a\\'; COMMIT; DROP TABLE dropme; --'",
    expect: 'error',
    options: { analyze: false },
  },
  {
    name: 'issue: # is not a comment',
    sql: 'SELECT 1 # 2; COMMIT; DROP TABLE dropme',
    expect: 'error',
  },
  {
    name: "E'' ending in \\\\",
    sql: "SELECT E'a\\\\'; COMMIT; DROP TABLE dropme; --'",
    expect: 'error',
  },
  {
    name: "E'' with an escaped quote",
    sql: "SELECT E'a\\'; COMMIT; DROP TABLE dropme; --'",
    expect: 'analyzed',
  },
  {
    name: 'standard_conforming_strings=off',
    sql: "SELECT 'a\\'; COMMIT; DROP TABLE dropme; --'",
    expect: 'analyzed',
    options: { settings: { standard_conforming_strings: 'off' } },
  },
  {
    name: 'standard_conforming_strings=off, escaped backslash',
    sql: "SELECT 'a\\\\'; COMMIT; DROP TABLE dropme; --'",
    expect: 'error',
    options: { settings: { standard_conforming_strings: 'off' } },
  },
  { name: 'U& string', sql: "SELECT U&'\\0027; DROP TABLE dropme; --'", expect: 'analyzed' },
  {
    name: 'dollar quote then DROP',
    sql: 'SELECT $$a$$; COMMIT; DROP TABLE dropme',
    expect: 'error',
  },
  { name: 'tagged dollar quote', sql: 'SELECT $x$ $$ $x$; DROP TABLE dropme; --', expect: 'error' },
  {
    name: 'nested block comment hides all',
    sql: 'SELECT 1 /* /* */ ; DROP TABLE dropme; */',
    expect: 'analyzed',
  },
  {
    name: 'nested block comment closed',
    sql: 'SELECT 1 /* /* */ */; DROP TABLE dropme',
    expect: 'error',
  },
  { name: 'line comment then newline', sql: 'SELECT 1 -- x\n; DROP TABLE dropme', expect: 'error' },
  {
    name: 'leading comment on a write',
    sql: '/* hi */ DELETE FROM t WHERE id < 100',
    expect: 'analyzed',
  },
  { name: 'trailing semicolon', sql: 'SELECT count(*) FROM t;', expect: 'analyzed' },
  { name: 'COMMIT', sql: 'COMMIT', expect: 'error' },
  { name: 'ROLLBACK', sql: 'ROLLBACK', expect: 'error' },
  { name: 'END', sql: 'END', expect: 'error' },
  { name: 'SAVEPOINT', sql: 'SAVEPOINT s1', expect: 'error' },
  { name: 'RELEASE', sql: 'RELEASE SAVEPOINT s1', expect: 'error' },
  { name: 'ROLLBACK TO', sql: 'ROLLBACK TO SAVEPOINT s1', expect: 'error' },
  { name: 'PREPARE TRANSACTION', sql: "PREPARE TRANSACTION 'rl'", expect: 'error' },
  { name: 'COMMIT then DELETE', sql: 'COMMIT; DELETE FROM t', expect: 'error' },
  { name: 'DELETE then COMMIT', sql: 'DELETE FROM t; COMMIT', expect: 'error' },
  { name: 'two statements', sql: 'SELECT 1; DROP TABLE dropme', expect: 'error' },
  { name: 'EXPLAIN inside', sql: 'EXPLAIN ANALYZE DELETE FROM t', expect: 'error' },
  { name: 'DROP TABLE', sql: 'DROP TABLE dropme', expect: 'error' },
  { name: 'TRUNCATE', sql: 'TRUNCATE t', expect: 'error' },
  { name: 'ALTER TABLE', sql: 'ALTER TABLE t ADD COLUMN z int', expect: 'error' },
  { name: 'CREATE TABLE AS', sql: 'CREATE TABLE t_copy AS SELECT * FROM t', expect: 'any' },
  {
    name: 'CREATE MATERIALIZED VIEW',
    sql: 'CREATE MATERIALIZED VIEW mv AS SELECT f_insert()',
    expect: 'any',
  },
  { name: 'DO block', sql: 'DO $$ BEGIN DROP TABLE dropme; END $$', expect: 'error' },
  { name: 'CALL', sql: 'CALL p_delete()', expect: 'error' },
  { name: 'COPY TO file', sql: "COPY t TO '/tmp/rl_dbsafety_copy.txt'", expect: 'error' },
  { name: 'COPY of a DELETE', sql: 'COPY (DELETE FROM t RETURNING *) TO STDOUT', expect: 'error' },
  { name: 'SET', sql: "SET work_mem = '1MB'", expect: 'error' },
  { name: 'ALTER SYSTEM', sql: "ALTER SYSTEM SET work_mem = '1MB'", expect: 'error' },
  { name: 'SET GLOBAL (MySQL syntax)', sql: 'SET GLOBAL max_connections = 1', expect: 'error' },
  { name: 'PREPARE', sql: 'PREPARE p AS DELETE FROM t', expect: 'error' },
  { name: 'EXECUTE', sql: 'EXECUTE p', expect: 'error' },
  { name: 'nextval', sql: "SELECT nextval('s')", expect: 'analyzed' },
  { name: 'setval', sql: "SELECT setval('s', 1000)", expect: 'plan-only' },
  { name: 'volatile function that writes', sql: 'SELECT f_insert()', expect: 'plan-only' },
  { name: 'STABLE function calling nextval', sql: 'SELECT f_stable_seq()', expect: 'plan-only' },
  { name: 'STABLE function calling dblink', sql: 'SELECT f_dblink()', expect: 'plan-only' },
  { name: 'SQL-body function calling nextval', sql: 'SELECT f_atomic_seq()', expect: 'plan-only' },
  { name: 'SQL-body function calling dblink', sql: 'SELECT f_atomic_calls()', expect: 'plan-only' },
  {
    name: 'dblink_exec commits elsewhere',
    sql: () =>
      `SELECT dblink_exec('dbname=${db.name} host=127.0.0.1 user=postgres', 'INSERT INTO victim VALUES (9)')`,
    expect: 'plan-only',
  },
  {
    name: 'user operator with effects',
    sql: 'SELECT count(*) FROM t WHERE v === 3',
    expect: 'plan-only',
  },
  { name: 'domain check with effects', sql: 'INSERT INTO dom_t VALUES (1)', expect: 'plan-only' },
  { name: 'view calling a writer', sql: 'SELECT count(x) FROM v_bad', expect: 'plan-only' },
  { name: 'trigger with effects', sql: 'INSERT INTO trig (v) VALUES (1)', expect: 'plan-only' },
  { name: 'VOLATILE audit trigger', sql: 'UPDATE stamped SET v = 0', expect: 'plan-only' },
  {
    name: 'VOLATILE audit trigger the user vouches for',
    sql: 'UPDATE stamped SET v = 0',
    expect: 'analyzed',
    options: { trustFunctions: ['public.stamp'] },
  },
  {
    name: 'vouching cannot cover a built-in',
    sql: 'SELECT pg_advisory_lock(4244)',
    expect: 'plan-only',
    options: { trustFunctions: ['pg_advisory_lock', 'pg_catalog.pg_advisory_lock'] },
  },
  {
    name: 'rule that advances a sequence',
    sql: 'INSERT INTO ruled VALUES (1)',
    expect: 'analyzed',
  },
  {
    name: 'foreign table running a program',
    sql: 'SELECT count(*) FROM prog',
    expect: 'plan-only',
  },
  {
    name: 'terminate a backend',
    sql: () => `SELECT pg_terminate_backend(${sentinelPid})`,
    expect: 'plan-only',
  },
  {
    name: 'cancel a backend',
    sql: () => `SELECT pg_cancel_backend(${sentinelPid})`,
    expect: 'plan-only',
  },
  { name: 'session advisory lock', sql: 'SELECT pg_advisory_lock(4242)', expect: 'plan-only' },
  { name: 'reload configuration', sql: 'SELECT pg_reload_conf()', expect: 'plan-only' },
  { name: 'reset statistics', sql: 'SELECT pg_stat_reset()', expect: 'plan-only' },
  {
    name: 'dynamic SQL via query_to_xml',
    sql: "SELECT query_to_xml('DELETE FROM t RETURNING 1', true, true, '')",
    expect: 'plan-only',
  },
  {
    name: 'set_config (transactional)',
    sql: "SELECT set_config('work_mem', '1MB', false)",
    expect: 'analyzed',
  },
  {
    name: 'transaction-level advisory lock',
    sql: 'SELECT pg_advisory_xact_lock(4243)',
    expect: 'analyzed',
  },
  {
    name: 'immutable SQL function',
    sql: 'SELECT f_double(v) FROM t WHERE id < 10',
    expect: 'analyzed',
  },
  {
    name: 'SQL-body function (volatile by default)',
    sql: 'SELECT f_atomic_ok(v) FROM t WHERE id < 10',
    expect: 'analyzed',
  },
  { name: 'INSERT into a serial table', sql: 'INSERT INTO t (v) VALUES (1)', expect: 'analyzed' },
  {
    name: 'INSERT into an identity table',
    sql: 'INSERT INTO ident (v) VALUES (5)',
    expect: 'analyzed',
  },
  {
    name: 'DELETE in another schema',
    sql: 'DELETE FROM other.t2 WHERE id < 10',
    expect: 'analyzed',
  },
  { name: 'UPDATE everything', sql: 'UPDATE t SET v = v + 1', expect: 'analyzed' },
  {
    name: 'data-modifying CTE',
    sql: 'WITH d AS (DELETE FROM t RETURNING *) SELECT count(*) FROM d',
    expect: 'analyzed',
  },
  { name: 'SELECT FOR UPDATE', sql: 'SELECT * FROM t WHERE id < 5 FOR UPDATE', expect: 'analyzed' },
  { name: 'VALUES calling a writer', sql: 'VALUES (f_insert())', expect: 'plan-only' },
  {
    name: 'parameter carrying SQL',
    sql: 'SELECT * FROM t WHERE s = $1',
    expect: 'analyzed',
    options: { params: ["x'; COMMIT; DROP TABLE dropme; --"] },
  },
  {
    name: '--set cannot turn off read-only',
    sql: 'SELECT count(*) FROM t',
    expect: 'error',
    options: { settings: { transaction_read_only: 'off' } },
  },
];

/** Asserts nothing changed; sequences may move only when the report warned about them. */
async function expectUnchanged(report: ExplainReport | undefined, label: string): Promise<void> {
  const now = await snapshotPg(db.url);
  // Each case is judged on its own: the next one compares with what this one left.
  const before = baseline;
  baseline = now;
  expect(now.data, `${label}: table contents`).toEqual(before.data);
  expect(now.catalog, `${label}: catalog`).toEqual(before.catalog);
  expect(now.settings, `${label}: settings`).toEqual(before.settings);
  for (const [name, value] of Object.entries(now.sequences)) {
    if (value === before.sequences[name]) continue;
    const caveats = report?.safety?.caveats.join('\n') ?? '';
    expect(caveats, `${label}: sequence ${name} moved without a warning`).toMatch(/sequence/i);
  }
  expect(existsSync(touched), `${label}: a program ran`).toBe(false);
  const alive = await sentinel.query('SELECT 1 AS ok');
  expect(alive.rows[0]?.ok, `${label}: the sentinel connection survived`).toBe(1);
}

const ENV: HostileEnv = {
  url: () => db.url,
  // Nothing may linger on the connection: no advisory lock, no changed setting.
  sessionState: async (session: DbSession) => ({
    locks: (
      await session.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'advisory'",
      )
    ).rows[0]?.n,
    workMem: (await session.query<{ v: string }>("SELECT current_setting('work_mem') AS v")).rows[0]
      ?.v,
  }),
  expectUnchanged,
};

describe('db explain on PostgreSQL never changes data (hostile statements)', () => {
  hostileCaseTests(CASES, ENV);

  it('the issue command through the CLI exits 2 and the table survives (with and without --no-analyze)', async () => {
    for (const extra of [[], ['--no-analyze']]) {
      const out = spawnSync(
        process.execPath,
        [
          join(ROOT, 'bin/redline.js'),
          'db',
          'explain',
          "SELECT 'a\\'; COMMIT; DROP TABLE dropme; --'",
          '--db',
          db.url,
          ...extra,
        ],
        { encoding: 'utf8', timeout: 60_000 },
      );
      expect(out.status, out.stderr).toBe(2);
      expect(out.stderr).toMatch(/one SQL statement/);
    }
    await expectUnchanged(undefined, 'cli');
  });

  it('property: string, comment and quoting tricks around COMMIT and DDL never change data', async () => {
    await checkTrickCombinations(
      ENV,
      {
        prefix: [
          "SELECT 'a\\'",
          "SELECT 'a\\\\'",
          "SELECT E'a\\''",
          "SELECT E'a\\\\'",
          'SELECT $$a$$',
          'SELECT $q$a$q$',
          'SELECT 1 #',
          'SELECT 1 --',
          'SELECT 1 /*',
          'SELECT 1 /* /* */',
          'SELECT "a\\"',
          "SELECT U&'\\0027'",
          '/*!',
          'DELETE FROM t WHERE id = 1',
        ],
        separator: [';', ';\n', '*/;', "';", '$$;', '\n;', ' ', '"; '],
        control: [
          '',
          'COMMIT;',
          'ROLLBACK;',
          'END;',
          'SAVEPOINT x;',
          'RELEASE SAVEPOINT x;',
          'COMMIT AND CHAIN;',
        ],
        payload: [
          'DROP TABLE dropme',
          'DELETE FROM dropme',
          'TRUNCATE dropme',
          'UPDATE dropme SET v = 0',
          'ALTER TABLE dropme ADD COLUMN z int',
          "SELECT setval('s', 99999)",
          'SELECT pg_advisory_lock(1)',
        ],
        suffix: ['', "; --'", " --'", "'", '$$', '*/', ' #', ';'],
      },
      60,
    );
  }, 300_000);
});

describe('db explain on PostgreSQL with an event trigger on DDL', () => {
  let guarded: { url: string; name: string; drop: () => Promise<void> };

  beforeAll(async () => {
    guarded = await createPgDatabase('rl_dbsafety_evt');
    const remote = `dbname=${guarded.name} host=127.0.0.1 user=postgres`;
    await pgExec(guarded.url, [
      'CREATE EXTENSION dblink',
      'CREATE TABLE victim (n int)',
      'CREATE TABLE t (id serial PRIMARY KEY, c int NOT NULL)',
      'INSERT INTO t (c) SELECT i % 100 FROM generate_series(1, 5000) AS i',
      'ANALYZE t',
      `CREATE FUNCTION on_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM dblink_exec('${remote}', 'INSERT INTO victim VALUES (1)'); END $$`,
      'CREATE EVENT TRIGGER audit_ddl ON ddl_command_end EXECUTE FUNCTION on_ddl()',
    ]);
  }, 60_000);

  afterAll(async () => {
    await guarded?.drop();
  });

  it('does not fire it: no dependency probe (ANALYZE refused, plan shown), no verify-index', async () => {
    const report = await explainQuery('SELECT id FROM t WHERE c = $1', {
      db: guarded.url,
      params: ['7'],
    });
    expect(report.executed).toBe(false);
    expect(report.safety?.refused.join('\n')).toMatch(
      /event triggers on CREATE FUNCTION \(audit_ddl\)/,
    );
    const index: IndexSuggestion = {
      engine: 'postgres',
      table: 't',
      columns: ['c'],
      name: 't_c_idx',
      createSql: '',
      verifySql: 'CREATE INDEX t_c_idx ON t (c)',
    };
    await expect(
      verifyIndex('SELECT id FROM t WHERE c = $1', index, { db: guarded.url, params: ['7'] }),
    ).rejects.toMatchObject({ code: 'DB_VERIFY_REFUSED' });
    const [rows] = await pgExec(guarded.url, ['SELECT count(*)::int AS n FROM victim']);
    expect(rows?.[0]?.['n']).toBe(0);
  });
});
