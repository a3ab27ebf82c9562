/** Runs ANALYZE FORMAT=JSON (MariaDB) or EXPLAIN ANALYZE (MySQL) inside a rolled-back transaction. */
import { ExitCode, RedlineError } from '../../errors/index.js';
import type { DbSession } from '../connection.js';
import type { ExplainedPlan } from '../plan/plan-node.js';
import {
  asExplainError,
  DEFAULT_EXPLAIN_TIMEOUT_MS,
  type RunExplainOptions,
} from '../postgres/explain.js';
import { classifyStatement } from '../sql/statement-kind.js';
import { significantTokens } from '../sql/tokenize.js';
import { parseMariaDbPlan } from './parse-mariadb.js';
import { parseMysqlTree } from './parse-mysql-tree.js';

/** Storage engines whose writes a ROLLBACK undoes. */
const TRANSACTIONAL_ENGINES = new Set(['innodb', 'rocksdb', 'tokudb']);

/**
 * Explains `sql` on MariaDB (`ANALYZE FORMAT=JSON`) or MySQL (`EXPLAIN ANALYZE`, tree format).
 * Both run the statement, so it runs between START TRANSACTION and ROLLBACK; a write on a table
 * whose engine cannot roll back (MyISAM, Aria, MEMORY) is refused rather than run.
 */
export async function explainMysql(
  session: DbSession,
  sql: string,
  options: RunExplainOptions = {},
): Promise<ExplainedPlan> {
  const analyze = options.analyze ?? true;
  const kind = classifyStatement(sql);
  if (analyze && kind.isWrite) await assertTransactional(session, sql);
  const timeoutMs = Math.max(1, Math.round(options.timeoutMs ?? DEFAULT_EXPLAIN_TIMEOUT_MS));
  if (options.settings && Object.keys(options.settings).length > 0) {
    throw new RedlineError('DB_SETTING', '--set is only supported for PostgreSQL', {
      exitCode: ExitCode.Usage,
    });
  }
  await session.query('START TRANSACTION');
  try {
    for (const statement of options.before ?? []) await session.query(statement);
    if (session.flavor === 'mariadb') {
      const prefix = `SET STATEMENT max_statement_time=${timeoutMs / 1000} FOR `;
      const text = analyze ? `${prefix}ANALYZE FORMAT=JSON ${sql}` : `EXPLAIN FORMAT=JSON ${sql}`;
      const result = await session.query<Record<string, unknown>>(text, options.params);
      const row = result.rows[0] ?? {};
      return parseMariaDbPlan(
        String(row['ANALYZE'] ?? row['EXPLAIN'] ?? Object.values(row)[0] ?? ''),
        sql,
      );
    }
    await session.query(`SET SESSION max_execution_time = ${timeoutMs}`);
    const text = analyze ? `EXPLAIN ANALYZE ${sql}` : `EXPLAIN FORMAT=TREE ${sql}`;
    const result = await session.query<Record<string, unknown>>(text, options.params);
    return parseMysqlTree(String(Object.values(result.rows[0] ?? {})[0] ?? ''), sql);
  } catch (error) {
    throw asExplainError(error, sql);
  } finally {
    await session.query('ROLLBACK').catch(() => {});
  }
}

/** Refuses to ANALYZE a write that touches a table of a non-transactional engine. */
async function assertTransactional(session: DbSession, sql: string): Promise<void> {
  const words = new Set(
    significantTokens(sql)
      .filter((t) => t.kind === 'word' || t.kind === 'quoted-ident')
      .map((t) => t.text.replace(/^[`"]|[`"]$/g, '').toLowerCase()),
  );
  const result = await session.query<{ name: string; engine: string | null }>(
    'SELECT TABLE_NAME AS name, ENGINE AS engine FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()',
  );
  const unsafe = result.rows.filter(
    (row) =>
      words.has(String(row.name).toLowerCase()) &&
      row.engine !== null &&
      !TRANSACTIONAL_ENGINES.has(String(row.engine).toLowerCase()),
  );
  if (unsafe.length > 0) {
    const list = unsafe.map((row) => `${row.name} (${row.engine})`).join(', ');
    throw new RedlineError(
      'DB_WRITE_NOT_TRANSACTIONAL',
      `refusing to run a write on tables that cannot roll back: ${list}`,
      {
        exitCode: ExitCode.Usage,
        hint: 'use --no-analyze to see the plan without running the statement',
      },
    );
  }
}
