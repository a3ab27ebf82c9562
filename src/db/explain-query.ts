/** explainQuery: connect, EXPLAIN (ANALYZE) in a rolled-back transaction, parse, apply the rules. */
import { readFile } from 'node:fs/promises';
import { ExitCode, RedlineError } from '../errors/index.js';
import type { Finding } from '../findings/index.js';
import { isRecord as isObject } from '../util/is-record.js';
import { annotateExistingIndexes } from './advice/existing-indexes.js';
import { type DbSession, openDb, parseDbTarget } from './connection.js';
import { explainMysql } from './mysql/explain.js';
import { parseMariaDbPlan } from './mysql/parse-mariadb.js';
import { parseMysqlTree } from './mysql/parse-mysql-tree.js';
import type { ExplainedPlan } from './plan/plan-node.js';
import { explainPostgres, type RunExplainOptions } from './postgres/explain.js';
import { parsePostgresPlan } from './postgres/parse-plan.js';
import { runPlanRules } from './rules/index.js';
import { classifyStatement } from './sql/statement-kind.js';

/** Options of {@link explainQuery}: a `db` URL or an open `session`, plus the EXPLAIN options. */
export interface ExplainQueryOptions extends RunExplainOptions {
  /** `postgres://…`, `mysql://…` (MariaDB too) or `pglite:<dir>`. */
  db?: string;
  /** An already open session (the caller closes it). */
  session?: DbSession;
}

/** The result of explaining one statement: the plan and the findings ranked by time saved. */
export interface ExplainReport {
  /** The database, password masked. */
  target: string;
  plan: ExplainedPlan;
  findings: Finding[];
  /** True when the statement changes data (it ran inside a transaction that was rolled back). */
  isWrite: boolean;
  /** True when the statement was actually executed (EXPLAIN ANALYZE). */
  executed: boolean;
}

/**
 * Explains `sql` against a live database. The statement runs inside a transaction that is always
 * rolled back; a statement timeout applies. Multi-statement text is refused.
 */
export async function explainQuery(
  sql: string,
  options: ExplainQueryOptions,
): Promise<ExplainReport> {
  const kind = classifyStatement(sql);
  if (kind.statementCount !== 1) {
    throw new RedlineError(
      'DB_MULTI_STATEMENT',
      `expected exactly one SQL statement, got ${kind.statementCount}`,
      {
        exitCode: ExitCode.Usage,
        hint: 'explain one statement at a time',
      },
    );
  }
  const session = options.session ?? (await openSession(options.db));
  try {
    const plan = await runExplain(session, sql, options);
    const findings = runPlanRules(plan);
    if (session.kind !== 'mysql') await annotateExistingIndexes(session, findings);
    return {
      target: session.display,
      plan,
      findings,
      isWrite: kind.isWrite,
      executed: options.analyze ?? true,
    };
  } finally {
    if (!options.session) await session.close().catch(() => {});
  }
}

/** Runs the engine's EXPLAIN on an open session. */
export function runExplain(
  session: DbSession,
  sql: string,
  options: RunExplainOptions,
): Promise<ExplainedPlan> {
  return session.kind === 'mysql'
    ? explainMysql(session, sql, options)
    : explainPostgres(session, sql, options);
}

async function openSession(db: string | undefined): Promise<DbSession> {
  if (!db) {
    throw new RedlineError('DB_URL_MISSING', 'no database given', {
      exitCode: ExitCode.Usage,
      hint: 'pass --db postgres://user@host/db, mysql://user@host/db or pglite:<dir> (or set REDLINE_DB_URL)',
    });
  }
  return openDb(parseDbTarget(db));
}

/**
 * Parses a saved plan: PostgreSQL JSON (`[{"Plan": …}]`), MariaDB/MySQL JSON (`{"query_block": …}`)
 * or MySQL tree text (`-> …`). Throws `DB_PLAN_FORMAT` for anything else.
 */
export function parseSavedPlan(text: string, sql?: string): ExplainedPlan {
  const trimmed = text.trim();
  if (trimmed.startsWith('->') || /^\s*EXPLAIN\s*\n?\s*->/i.test(trimmed))
    return parseMysqlTree(trimmed, sql);
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (cause) {
      throw new RedlineError('DB_PLAN_FORMAT', 'the plan file is not valid JSON', {
        exitCode: ExitCode.DataError,
        cause,
      });
    }
    const first = Array.isArray(value) ? value[0] : value;
    const unwrapped =
      isObject(first) && isObject(first['QUERY PLAN']) ? first['QUERY PLAN'] : first;
    if (isObject(unwrapped) && 'query_block' in unwrapped) return parseMariaDbPlan(unwrapped, sql);
    if (Array.isArray(first?.['QUERY PLAN'])) return parsePostgresPlan(first['QUERY PLAN'], sql);
    return parsePostgresPlan(unwrapped, sql);
  }
  throw new RedlineError('DB_PLAN_FORMAT', 'unrecognised plan format', {
    exitCode: ExitCode.DataError,
    hint: 'save PostgreSQL plans with FORMAT JSON, MariaDB with ANALYZE FORMAT=JSON, MySQL with EXPLAIN ANALYZE',
  });
}

/** Reads and analyses a saved plan file (no database needed). */
export async function explainPlanFile(path: string, sql?: string): Promise<ExplainReport> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new RedlineError('DB_PLAN_FILE', `cannot read plan file ${path}`, {
      exitCode: ExitCode.NoInput,
      cause,
    });
  }
  const plan = parseSavedPlan(text, sql);
  return {
    target: path,
    plan,
    findings: runPlanRules(plan),
    isWrite: sql ? classifyStatement(sql).isWrite : false,
    executed: plan.analyzed,
  };
}
