/**
 * The hostile-SQL tables' harness: one test per hostile statement (its outcome, the session left
 * clean, the database unchanged), a property over combinations of tricks, and snapshots of
 * everything a statement could change — row counts and checksums of every user table, catalog
 * rows (tables, columns, functions, triggers, rules, policies, indexes), sequences /
 * AUTO_INCREMENT counters, and server settings.
 */
import fc from 'fast-check';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { expect, it } from 'vitest';
import {
  type DbSession,
  type ExplainQueryOptions,
  type ExplainReport,
  explainQuery,
  openDb,
  parseDbTarget,
} from '../../src/db/index.js';

/** What must happen: refused with an error, shown as a plan only, or analysed (rolled back). */
export type Outcome = 'error' | 'plan-only' | 'analyzed' | 'any';

/** One row of a hostile table. */
export interface HostileCase {
  name: string;
  /** The statement (a function when it needs values known only after setup). */
  sql: string | (() => string);
  expect: Outcome;
  options?: Partial<ExplainQueryOptions>;
}

/** How a table checks one server. */
export interface HostileEnv {
  url: () => string;
  /** Session-level state that must be the same before and after (locks, settings, transaction). */
  sessionState: (session: DbSession) => Promise<unknown>;
  /** Asserts the database is unchanged (given the report, to accept announced caveats). */
  expectUnchanged: (report: ExplainReport | undefined, label: string) => Promise<void>;
}

/** Runs `sql` and says what happened. */
export async function outcomeOf(
  sql: string,
  options: Partial<ExplainQueryOptions>,
  session: DbSession,
): Promise<{ outcome: Exclude<Outcome, 'any'>; report?: ExplainReport; error?: unknown }> {
  try {
    const report = await explainQuery(sql, { session, ...options });
    return { outcome: report.executed ? 'analyzed' : 'plan-only', report };
  } catch (error) {
    return { outcome: 'error', error };
  }
}

/** Explains `sql` on a fresh session; asserts the session state is unchanged afterwards. */
async function explainChecked(env: HostileEnv, sql: string, options: Partial<ExplainQueryOptions>) {
  const session = await openDb(parseDbTarget(env.url()));
  try {
    const before = await env.sessionState(session);
    const result = await outcomeOf(sql, options, session);
    expect(await env.sessionState(session), `${sql}: state left on the session`).toEqual(before);
    return result;
  } finally {
    await session.close();
  }
}

/** One `it` per case: the database and the session unchanged, the expected outcome, reasons given. */
export function hostileCaseTests(cases: readonly HostileCase[], env: HostileEnv): void {
  for (const c of cases) {
    it(c.name, async () => {
      const sql = typeof c.sql === 'function' ? c.sql() : c.sql;
      const result = await explainChecked(env, sql, c.options ?? {});
      await env.expectUnchanged(result.report, c.name);
      if (c.expect !== 'any') {
        const message = String((result.error as Error | undefined)?.message ?? '');
        expect(result.outcome, `${c.name}: ${message}`).toBe(c.expect);
      }
      if (result.outcome === 'plan-only' && c.options?.analyze !== false) {
        expect(result.report?.safety?.refused.length, 'a refusal says why').toBeGreaterThan(0);
      }
    });
  }
}

/** The parts a hostile text is assembled from: `${prefix}${separator} ${control} ${payload}${suffix}`. */
export interface TrickParts {
  prefix: readonly string[];
  separator: readonly string[];
  control: readonly string[];
  payload: ReadonlyArray<string | (() => string)>;
  suffix: readonly string[];
}

/** Property: every combination of the tricks (with and without ANALYZE) leaves the database unchanged. */
export async function checkTrickCombinations(
  env: HostileEnv,
  parts: TrickParts,
  numRuns: number,
): Promise<void> {
  const pick = <T>(values: readonly T[]) => fc.constantFrom(...values);
  await fc.assert(
    fc.asyncProperty(
      pick(parts.prefix),
      pick(parts.separator),
      pick(parts.control),
      pick(parts.payload),
      pick(parts.suffix),
      fc.boolean(),
      async (a, b, c, d, e, analyze) => {
        const sql = `${a}${b} ${c} ${typeof d === 'function' ? d() : d}${e}`;
        const { report } = await explainChecked(env, sql, { analyze });
        await env.expectUnchanged(report, sql);
      },
    ),
    { numRuns },
  );
}

/** What a PostgreSQL database looks like; `sequences` is compared apart (a rollback does not undo it). */
export interface PgSnapshot {
  data: Record<string, string>;
  catalog: string[];
  settings: string[];
  sequences: Record<string, string>;
}

/** Reads a {@link PgSnapshot} of `url` over a fresh connection. */
export async function snapshotPg(url: string): Promise<PgSnapshot> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const userSchemas = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'`;
    const tables = await client.query<{ q: string }>(
      `SELECT format('%I.%I', n.nspname, c.relname) AS q FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p', 'm') AND ${userSchemas} ORDER BY 1`,
    );
    const data: Record<string, string> = {};
    for (const { q } of tables.rows) {
      const r = await client.query<{ n: string; sum: string | null }>(
        `SELECT count(*)::text AS n, md5(string_agg(x::text, '|' ORDER BY x::text)) AS sum FROM ${q} x`,
      );
      data[q] = `${r.rows[0]?.n}:${r.rows[0]?.sum ?? ''}`;
    }
    const catalog = await client.query<{ line: string }>(
      `SELECT line FROM (
         SELECT format('rel %s.%s %s', n.nspname, c.relname, c.relkind) AS line FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${userSchemas}
         UNION ALL SELECT format('col %s.%s.%s %s', n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod))
           FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE a.attnum > 0 AND NOT a.attisdropped AND ${userSchemas}
         UNION ALL SELECT format('fn %s.%s %s %s', n.nspname, p.proname, p.provolatile, md5(p.prosrc)) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE ${userSchemas}
         UNION ALL SELECT format('trigger %s %s', tgrelid::regclass, tgname) FROM pg_trigger
         UNION ALL SELECT format('rule %s %s', ev_class::regclass, rulename) FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${userSchemas}
         UNION ALL SELECT format('policy %s %s', polrelid::regclass, polname) FROM pg_policy
         UNION ALL SELECT format('schema %s', n.nspname) FROM pg_namespace n WHERE ${userSchemas}
         UNION ALL SELECT format('extension %s', extname) FROM pg_extension
         UNION ALL SELECT format('largeobjects %s', count(*)) FROM pg_largeobject_metadata
         UNION ALL SELECT format('dbsetting %s', setconfig) FROM pg_db_role_setting
       ) s ORDER BY 1`,
    );
    const settings = await client.query<{ line: string }>(
      `SELECT format('%s=%s', name, setting) AS line FROM pg_settings
        WHERE name NOT IN ('application_name', 'transaction_read_only', 'transaction_isolation') ORDER BY 1`,
    );
    const sequences = await client.query<{ q: string; v: string | null }>(
      `SELECT format('%I.%I', schemaname, sequencename) AS q, last_value::text AS v FROM pg_sequences ORDER BY 1`,
    );
    return {
      data,
      catalog: catalog.rows.map((r) => r.line),
      settings: settings.rows.map((r) => r.line),
      sequences: Object.fromEntries(sequences.rows.map((r) => [r.q, r.v ?? 'null'])),
    };
  } finally {
    await client.end();
  }
}

/** What a set of MariaDB schemas looks like; `autoIncrement` and `sequences` are compared apart. */
export interface MysqlSnapshot {
  data: Record<string, string>;
  catalog: string[];
  globals: string[];
  autoIncrement: Record<string, string>;
}

/** Global variables that move on their own (binary log positions, clocks): never compared. */
const MOVING_GLOBALS =
  /^(GTID_|TIMESTAMP$|LAST_INSERT_ID$|INSERT_ID$|RAND_SEED|WARNING_COUNT|ERROR_COUNT)/;

/** Reads a {@link MysqlSnapshot} of `schemas` over a fresh connection to `baseUrl`. */
export async function snapshotMysql(baseUrl: string, schemas: string[]): Promise<MysqlSnapshot> {
  const connection = await mysql.createConnection({ uri: baseUrl });
  try {
    const [tables] = (await connection.query(
      `SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t, TABLE_TYPE AS type, ENGINE AS engine, AUTO_INCREMENT AS ai
         FROM information_schema.TABLES WHERE TABLE_SCHEMA IN (?) ORDER BY 1, 2`,
      [schemas],
    )) as unknown as [
      Array<{ s: string; t: string; type: string; engine: string | null; ai: number | null }>,
    ];
    const data: Record<string, string> = {};
    const autoIncrement: Record<string, string> = {};
    const catalog: string[] = [];
    for (const row of tables) {
      const name = `\`${row.s}\`.\`${row.t}\``;
      catalog.push(`table ${row.s}.${row.t} ${row.type} ${row.engine}`);
      if (row.ai !== null) autoIncrement[name] = String(row.ai);
      if (row.type === 'BASE TABLE') {
        const [count] = (await connection.query(
          `SELECT COUNT(*) AS n FROM ${name}`,
        )) as unknown as [Array<{ n: number }>];
        const [sum] = (await connection.query(`CHECKSUM TABLE ${name}`)) as unknown as [
          Array<{ Checksum: number | string | null }>,
        ];
        data[name] = `${count[0]?.n}:${sum[0]?.Checksum}`;
      } else if (row.type === 'SEQUENCE') {
        const [seq] = (await connection.query(
          `SELECT next_not_cached_value AS v FROM ${name}`,
        )) as unknown as [Array<{ v: number | string }>];
        data[name] = `sequence:${seq[0]?.v}`;
      }
    }
    const catalogQueries = [
      'SELECT CONCAT_WS(" ", "col", TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, COLUMN_TYPE) AS l FROM information_schema.COLUMNS WHERE TABLE_SCHEMA IN (?)',
      'SELECT CONCAT_WS(" ", "routine", ROUTINE_SCHEMA, ROUTINE_NAME, ROUTINE_TYPE, MD5(ROUTINE_DEFINITION)) AS l FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA IN (?)',
      'SELECT CONCAT_WS(" ", "trigger", TRIGGER_SCHEMA, TRIGGER_NAME, MD5(ACTION_STATEMENT)) AS l FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA IN (?)',
      'SELECT CONCAT_WS(" ", "view", TABLE_SCHEMA, TABLE_NAME, MD5(VIEW_DEFINITION)) AS l FROM information_schema.VIEWS WHERE TABLE_SCHEMA IN (?)',
      'SELECT CONCAT_WS(" ", "index", TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, COLUMN_NAME) AS l FROM information_schema.STATISTICS WHERE TABLE_SCHEMA IN (?)',
      'SELECT CONCAT_WS(" ", "schema", SCHEMA_NAME) AS l FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (?)',
    ];
    for (const sql of catalogQueries) {
      const [rows] = (await connection.query(sql, [schemas])) as unknown as [Array<{ l: string }>];
      catalog.push(...rows.map((r) => r.l));
    }
    catalog.sort();
    const [globals] = (await connection.query(
      'SELECT VARIABLE_NAME AS n, VARIABLE_VALUE AS v FROM information_schema.GLOBAL_VARIABLES ORDER BY 1',
    )) as unknown as [Array<{ n: string; v: string | null }>];
    return {
      data,
      catalog,
      globals: globals.filter((g) => !MOVING_GLOBALS.test(g.n)).map((g) => `${g.n}=${g.v}`),
      autoIncrement,
    };
  } finally {
    await connection.end();
  }
}
