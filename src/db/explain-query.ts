/**
 * explainQuery: connect, check that the statement can run without a lasting effect, EXPLAIN
 * (ANALYZE) it in a transaction that is always rolled back (or plain EXPLAIN when it cannot),
 * parse, apply the rules.
 */
import { readFile } from 'node:fs/promises';
import { ExitCode } from '../errors/exit-codes.js';
import { RedlineError } from '../errors/redline-error.js';
import type { Finding } from '../findings/finding.js';
import { isRecord } from '../util/is-record.js';
import { annotateExistingIndexes } from './advice/existing-indexes.js';
import { type DbSession, openDb, parseDbTarget } from './connection.js';
import { explainMysql } from './mysql/explain.js';
import { parseMariaDbPlan } from './mysql/parse-mariadb.js';
import { parseMysqlTree } from './mysql/parse-mysql-tree.js';
import type { ExplainedPlan } from './plan/plan-node.js';
import { type ExplainRun, explainPostgres, type RunExplainOptions } from './postgres/explain.js';
import { parsePostgresPlan } from './postgres/parse-plan.js';
import { runPlanRules } from './rules/index.js';
import type { ExplainSafety } from './safety.js';
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
  /** True when the server's plan shows the statement changes data (or locks rows). */
  isWrite: boolean;
  /** True when the statement was actually executed (EXPLAIN ANALYZE, rolled back). */
  executed: boolean;
  /** How it ran, why ANALYZE was refused, what a rollback did not undo (absent for saved plans). */
  safety?: ExplainSafety;
}

/**
 * Explains `sql` against a live database. Only the server decides what the text is: it must be
 * exactly one explainable statement (`DB_MULTI_STATEMENT`, exit 2, otherwise). EXPLAIN ANALYZE
 * runs only when the safety check finds nothing a rollback cannot undo, inside a transaction that
 * is always rolled back (READ ONLY for reads); otherwise the plan is shown without running the
 * statement and `safety.refused` says why. A statement timeout applies.
 */
export async function explainQuery(
  sql: string,
  options: ExplainQueryOptions,
): Promise<ExplainReport> {
  const session = options.session ?? (await openSession(options.db));
  try {
    const run = await runExplain(session, sql, options);
    const findings = runPlanRules(run.plan);
    if (session.kind !== 'mysql') await annotateExistingIndexes(session, findings);
    return {
      target: session.display,
      plan: run.plan,
      findings,
      isWrite: run.writes,
      executed: run.safety.mode !== 'plan-only',
      safety: run.safety,
    };
  } finally {
    if (!options.session) await session.close().catch(() => {});
  }
}

/** Runs the engine's EXPLAIN on an open session (with its safety checks). */
export function runExplain(
  session: DbSession,
  sql: string,
  options: RunExplainOptions,
): Promise<ExplainRun> {
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
      isRecord(first) && isRecord(first['QUERY PLAN']) ? first['QUERY PLAN'] : first;
    if (isRecord(unwrapped) && 'query_block' in unwrapped) return parseMariaDbPlan(unwrapped, sql);
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
