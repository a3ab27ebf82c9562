/**
 * --verify-index on MySQL/MariaDB. Their DDL commits implicitly, so the index is never built on
 * the user's table: the table is copied into a TEMPORARY table of this session only, which then
 * hides the base table of the same name for this session's statements (both servers document
 * this: "the existing table is hidden until the temporary table is dropped"), the statement is
 * measured on the copy without and with the index, and the copy is dropped. Nothing of the
 * user's is written:
 * - the statement must be a read, as the server decides: explainMysql runs its plain EXPLAIN in
 *   START TRANSACTION READ ONLY *before* any copy exists (a READ ONLY transaction may still write
 *   TEMPORARY tables, so the check cannot be made once the copy shadows the table);
 * - the copy is `CREATE TEMPORARY TABLE stage LIKE t` + `INSERT INTO stage SELECT … FROM t` in a
 *   READ ONLY, READ COMMITTED transaction (a consistent read: no row locks on `t`), then
 *   `ALTER TABLE stage RENAME TO t` (the documented way to rename a temporary table);
 * - every Redline statement that names the shadowed table (the CREATE INDEX) runs right after
 *   SHOW CREATE TABLE has shown, in this session, that the name is the TEMPORARY table;
 * - copies are removed with DROP TEMPORARY TABLE, which never drops a base table;
 * - the measured runs are ANALYZE in a READ ONLY transaction that is rolled back.
 * Tables larger than {@link MAX_COPY_ROWS} rows or {@link MAX_COPY_BYTES} bytes (the server's
 * information_schema.TABLES, an estimate for InnoDB) are not copied.
 */
import { randomBytes } from 'node:crypto';
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import {
  type IndexSuggestion,
  type IndexVerification,
  indexColumnList,
  indexVerification,
  quoteIdentifier,
} from '../advice/index-advice.js';
import type { DbSession } from '../connection.js';
import { type ExplainedPlan, planTotalMs } from '../plan/plan-node.js';
import { asExplainError, type RunExplainOptions } from '../postgres/explain.js';
import { analyzeInTransaction, currentDatabase, explainMysql } from './explain.js';

/** Most rows (information_schema.TABLES.TABLE_ROWS) a table may have to be copied. */
export const MAX_COPY_ROWS = 1_000_000;
/** Most bytes (DATA_LENGTH + INDEX_LENGTH) a table may take to be copied: 256 MiB. */
export const MAX_COPY_BYTES = 256 * 1024 * 1024;
/** Runs of the statement without and with the index; the best (fastest) of each counts. */
export const VERIFY_RUNS = 3;

/** Options of {@link verifyMysqlIndex}. */
export interface MysqlVerifyOptions extends RunExplainOptions {
  /** Overrides {@link MAX_COPY_ROWS}. */
  maxCopyRows?: number;
  /** Overrides {@link MAX_COPY_BYTES}. */
  maxCopyBytes?: number;
  /** Overrides {@link VERIFY_RUNS}. */
  runs?: number;
}

/** ER_DBACCESS_DENIED_ERROR, ER_TABLEACCESS_DENIED_ERROR, ER_SPECIFIC_ACCESS_DENIED_ERROR. */
const ACCESS_DENIED = new Set([1044, 1142, 1227]);
/** ER_CANT_REOPEN_TABLE: MySQL opens a temporary table once per statement. */
const CANT_REOPEN = 1137;

/**
 * Measures `index` for the read `sql` on a temporary copy of the index's table (see the file
 * comment). Throws `DB_VERIFY_REFUSED` (exit 2) when the statement writes or may not run, the
 * table is not a base table or is too large, or the user may not create temporary tables.
 */
export async function verifyMysqlIndex(
  session: DbSession,
  sql: string,
  index: IndexSuggestion,
  options: MysqlVerifyOptions = {},
): Promise<IndexVerification> {
  const schema = index.schema ?? (await currentDatabase(session));
  if (!schema)
    throw refused(
      `no database is selected and the statement does not qualify ${index.table}`,
      'add the database to the URL (mysql://user@host:3306/db)',
    );
  const first = await explainMysql(session, sql, { ...options, analyzeWrites: false });
  if (first.writes)
    throw refused(
      'the statement writes (the server refused it in a READ ONLY transaction): on MySQL/MariaDB only reads are measured on a temporary copy',
      'verify the index with the SELECT that finds the rows',
    );
  if (first.safety.mode === 'plan-only')
    throw refused(
      `it needs ANALYZE, which was not run: ${first.safety.refused.join('; ') || 'plan only'}`,
      'the index can only be measured for a statement Redline may run',
    );
  await checkCopyable(session, schema, index.table, options);
  const columns = await copiedColumns(session, schema, index.table);
  const q = (name: string) => quoteIdentifier('mysql', name);
  const base = `${q(schema)}.${q(index.table)}`;
  if (await isTemporary(session, schema, index.table))
    throw refused(`${schema}.${index.table} is already a temporary table of this session`);
  const stage = `${q(schema)}.${q(`rl_verify_${randomBytes(6).toString('hex')}`)}`;
  let staged = false;
  let shadowing = false;
  try {
    try {
      await session.query(`CREATE TEMPORARY TABLE ${stage} LIKE ${base}`);
    } catch (error) {
      throw privilegeRefusal(error, schema) ?? copyRefusal(error, schema, index.table);
    }
    staged = true;
    const list = columns.map(q).join(', ');
    await commitReadOnly(session, `INSERT INTO ${stage} (${list}) SELECT ${list} FROM ${base}`, {
      schema,
      table: index.table,
    });
    try {
      await session.query(`ALTER TABLE ${stage} RENAME TO ${base}`);
      staged = false;
      shadowing = true;
    } catch {
      // Renaming checks INSERT and CREATE on the new name, which a user holding only SELECT
      // and CREATE TEMPORARY TABLES lacks (MariaDB 10.11: error 1142): copy the copy instead
      // (twice the work, same result). Any other refusal of the rename takes the same path.
      await session
        .query(`CREATE TEMPORARY TABLE ${base} LIKE ${stage}`)
        .catch((error: unknown) => {
          throw copyRefusal(error, schema, index.table);
        });
      shadowing = true;
      await commitReadOnly(session, `INSERT INTO ${base} (${list}) SELECT ${list} FROM ${stage}`, {
        schema,
        table: index.table,
      });
      await session.query(`DROP TEMPORARY TABLE ${stage}`);
      staged = false;
    }
    await assertTemporary(session, schema, index.table);
    const runs = Math.max(1, options.runs ?? VERIFY_RUNS);
    const before = await bestOf(session, sql, options, runs);
    await assertTemporary(session, schema, index.table);
    await session.query(
      `CREATE INDEX ${q(index.name)} ON ${base} (${indexColumnList('mysql', index.columns)})`,
    );
    const after = await bestOf(session, sql, options, runs);
    return indexVerification(index, before, after, 'temporary-copy', runs);
  } finally {
    // TEMPORARY: the server never drops a base table for these, whatever the name resolves to.
    if (shadowing) await session.query(`DROP TEMPORARY TABLE IF EXISTS ${base}`);
    if (staged) await session.query(`DROP TEMPORARY TABLE IF EXISTS ${stage}`);
  }
}

/** The statement's best (fastest) of `runs` ANALYZE runs on the current tables. */
async function bestOf(
  session: DbSession,
  sql: string,
  options: RunExplainOptions,
  runs: number,
): Promise<ExplainedPlan> {
  let best: ExplainedPlan | undefined;
  for (let i = 0; i < runs; i++) {
    let plan: ExplainedPlan;
    try {
      plan = await analyzeInTransaction(session, sql, options, true);
    } catch (error) {
      if (errnoOf(error) === CANT_REOPEN)
        throw refused(
          'the statement reads the table more than once, and MySQL opens a temporary table only once per statement',
        );
      throw asExplainError(error, sql);
    }
    if (!best || planTotalMs(plan) < planTotalMs(best)) best = plan;
  }
  if (!best) throw new Error('unreachable: runs >= 1');
  return best;
}

/** Refuses a table that is not a base table, or larger than the copy limits. */
async function checkCopyable(
  session: DbSession,
  schema: string,
  table: string,
  options: MysqlVerifyOptions,
): Promise<void> {
  const { rows } = await session.query<{
    type: string;
    n: number | string | null;
    bytes: number | string | null;
  }>(
    `SELECT TABLE_TYPE AS type, TABLE_ROWS AS n, DATA_LENGTH + INDEX_LENGTH AS bytes
       FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?`,
    [schema, table],
  );
  const row = rows[0];
  if (!row) throw refused(`${schema}.${table} was not found in information_schema.TABLES`);
  if (row.type !== 'BASE TABLE')
    throw refused(`${schema}.${table} is a ${row.type}, not a base table`);
  const maxRows = options.maxCopyRows ?? MAX_COPY_ROWS;
  const maxBytes = options.maxCopyBytes ?? MAX_COPY_BYTES;
  const n = Number(row.n ?? 0);
  const bytes = Number(row.bytes ?? 0);
  if (n > maxRows || bytes > maxBytes)
    throw refused(
      `${schema}.${table} is too large to copy into a temporary table (about ${n.toLocaleString('en-US')} rows, ${(bytes / 1024 / 1024).toFixed(1)} MiB per information_schema.TABLES; the limit is ${maxRows.toLocaleString('en-US')} rows and ${(maxBytes / 1024 / 1024).toFixed(0)} MiB)`,
      'measure the index on a replica or a restored copy of the database',
    );
}

/** The columns a copy inserts: every stored column (generated columns are computed by the copy). */
async function copiedColumns(session: DbSession, schema: string, table: string): Promise<string[]> {
  const { rows } = await session.query<{ c: string }>(
    `SELECT COLUMN_NAME AS c FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND EXTRA NOT LIKE '%GENERATED%'
      ORDER BY ORDINAL_POSITION`,
    [schema, table],
  );
  return rows.map((r) => r.c);
}

/** True when `schema.table` names a TEMPORARY table in this session (SHOW CREATE TABLE says so). */
async function isTemporary(session: DbSession, schema: string, table: string): Promise<boolean> {
  const q = (name: string) => quoteIdentifier('mysql', name);
  const { rows } = await session.query<Record<string, unknown>>(
    `SHOW CREATE TABLE ${q(schema)}.${q(table)}`,
  );
  const text = String(rows[0]?.['Create Table'] ?? '');
  return /^\s*CREATE\s+TEMPORARY\s+TABLE\b/i.test(text);
}

/** Throws (internal error) unless `schema.table` is this session's temporary copy. */
async function assertTemporary(session: DbSession, schema: string, table: string): Promise<void> {
  if (await isTemporary(session, schema, table)) return;
  throw new RedlineError(
    'DB_VERIFY_COPY_LOST',
    `${schema}.${table} no longer names the temporary copy: nothing more was run on it`,
    { exitCode: ExitCode.Internal, hint: 'this should be impossible; please report it' },
  );
}

/** Runs the copy in a READ ONLY, READ COMMITTED transaction and commits it (only the copy changed). */
async function commitReadOnly(
  session: DbSession,
  text: string,
  target: { schema: string; table: string },
): Promise<void> {
  // Applies to the next transaction only: a consistent read of the base table, no row locks.
  await session.query('SET TRANSACTION ISOLATION LEVEL READ COMMITTED');
  await session.query('START TRANSACTION READ ONLY');
  try {
    await session.query(text);
    await session.query('COMMIT');
  } catch (error) {
    await session.query('ROLLBACK').catch(() => {});
    throw copyRefusal(error, target.schema, target.table);
  }
}

function errnoOf(error: unknown): number {
  return Number((error as { errno?: unknown })?.errno);
}

function privilegeRefusal(error: unknown, schema: string): RedlineError | undefined {
  if (!ACCESS_DENIED.has(errnoOf(error))) return undefined;
  return refused(
    `this user may not create temporary tables in ${schema} (${(error as Error).message})`,
    `--verify-index copies the table into a temporary table: GRANT CREATE TEMPORARY TABLES ON ${quoteIdentifier('mysql', schema)}.* TO the user`,
  );
}

function copyRefusal(error: unknown, schema: string, table: string): RedlineError {
  if (error instanceof RedlineError) return error;
  return refused(
    `${schema}.${table} could not be copied into a temporary table: ${error instanceof Error ? error.message : String(error)}`,
    'measure the index on a replica or a restored copy of the database',
  );
}

function refused(message: string, hint?: string): RedlineError {
  return new RedlineError('DB_VERIFY_REFUSED', message, {
    exitCode: ExitCode.Usage,
    ...(hint ? { hint } : {}),
  });
}
