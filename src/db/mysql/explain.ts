/**
 * EXPLAIN on MariaDB (`ANALYZE FORMAT=JSON`) or MySQL (`EXPLAIN ANALYZE`, tree format), decided
 * from what the server says (statement-safety.ts):
 * 1. stored functions, UDFs and their bodies that planning alone may run are checked first
 *    (MariaDB runs deterministic stored functions while planning, even for plain EXPLAIN);
 * 2. a plain EXPLAIN inside START TRANSACTION READ ONLY: the server refuses it (error 1792)
 *    exactly when the statement would write a table, also through functions and triggers;
 * 3. reads run EXPLAIN ANALYZE in a READ ONLY transaction; writes only when every table they may
 *    reach is transactional (InnoDB...) and no trigger or routine does something a rollback
 *    cannot undo, in a read-write transaction that is rolled back. Otherwise: plain EXPLAIN.
 */
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import type { DbSession } from '../connection.js';
import type { ExplainedPlan } from '../plan/plan-node.js';
import {
  asExplainError,
  type ExplainRun,
  explainTimeout,
  type RunExplainOptions,
} from '../postgres/explain.js';
import { autoIncrementCaveat, unsafeStatementError, WRITES_NOT_ALLOWED } from '../safety.js';
import { identifierWords } from '../sql/referenced-names.js';
import { parseMariaDbPlan } from './parse-mariadb.js';
import { parseMysqlTree } from './parse-mysql-tree.js';
import {
  type MysqlReach,
  nonTransactionalOperations,
  qualified,
  type ReachedRoutine,
  reachFromStatement,
} from './statement-safety.js';
import { inRolledBackMysqlTransaction } from './transaction.js';

/** ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION. */
const READ_ONLY_REFUSED = 1792;

/** Explains `sql` (see the file comment). */
export async function explainMysql(
  session: DbSession,
  sql: string,
  options: RunExplainOptions = {},
): Promise<ExplainRun> {
  const analyze = options.analyze ?? true;
  if (options.settings && Object.keys(options.settings).length > 0) {
    throw new RedlineError('DB_SETTING', '--set is only supported for PostgreSQL', {
      exitCode: ExitCode.Usage,
    });
  }
  const run = statementRunner(session, options);
  try {
    const database = await currentDatabase(session);
    const reach = await reachFromStatement(session, sql, database, false);
    const planning = [
      ...routineProblems(reach.routines.filter((r) => !r.viaTrigger)),
      ...reach.udfs.map(
        (udf) =>
          `${udf}() is a UDF (native code loaded into the server): Redline cannot tell what it does`,
      ),
    ];
    if (planning.length > 0) throw unsafeStatementError(planning);

    let writes = false;
    let planCell: string | undefined;
    try {
      planCell = await inRolledBackMysqlTransaction(session, true, async () =>
        planText(await run(plainExplainOf(session, sql))),
      );
    } catch (error) {
      if ((error as { errno?: unknown })?.errno !== READ_ONLY_REFUSED) throw error;
      writes = true;
    }
    const refused: string[] = [];
    const caveats: string[] = [];
    if (writes) {
      const full = await reachFromStatement(session, sql, database, true);
      const problems = writeProblems(full);
      if (problems.planning.length > 0) throw unsafeStatementError(problems.planning);
      refused.push(...problems.refused);
      planCell = await inRolledBackMysqlTransaction(session, false, async () =>
        planText(await run(plainExplainOf(session, sql))),
      );
      const counters = full.tables.filter((t) => t.autoIncrement && t.type === 'BASE TABLE');
      if (counters.length > 0 && (full.words.has('insert') || full.words.has('replace')))
        caveats.push(autoIncrementCaveat(counters.map((t) => qualified(t.schema, t.name))));
    }
    if (writes && options.analyzeWrites === false) refused.push(WRITES_NOT_ALLOWED);
    refused.push(
      ...nonTransactionalOperations(sql, identifierWords(sql), false).map(
        (op) => `it uses ${op}, whose effect no transaction undoes`,
      ),
    );
    const plainPlan = () => parsePlan(session, planCell ?? '', sql);
    if (!analyze)
      return { plan: plainPlan(), safety: { mode: 'plan-only', refused: [], caveats: [] }, writes };
    if (refused.length > 0) {
      const unique = [...new Set(refused)];
      return {
        plan: plainPlan(),
        safety: { mode: 'plan-only', refused: unique, caveats: [] },
        writes,
      };
    }
    const plan = await analyzeInTransaction(session, sql, options, !writes);
    return {
      plan,
      safety: { mode: writes ? 'rolled-back' : 'read-only', refused: [], caveats },
      writes,
    };
  } catch (error) {
    throw asExplainError(error, sql);
  }
}

/**
 * Runs `sql` under ANALYZE (MariaDB `ANALYZE FORMAT=JSON`, MySQL `EXPLAIN ANALYZE`) inside a
 * transaction that is always rolled back, READ ONLY when `readOnly`, with the statement timeout.
 * No safety check: callers run it only for statements {@link explainMysql} found safe to run.
 */
export async function analyzeInTransaction(
  session: DbSession,
  sql: string,
  options: RunExplainOptions,
  readOnly: boolean,
): Promise<ExplainedPlan> {
  const run = statementRunner(session, options);
  return inRolledBackMysqlTransaction(session, readOnly, async () => {
    if (options.warmCache && readOnly) await run(analyzeOf(session, sql));
    return parsePlan(session, planText(await run(analyzeOf(session, sql))), sql);
  });
}

/** Sends one statement with the options' parameters and timeout. */
function statementRunner(session: DbSession, options: RunExplainOptions) {
  const timeoutMs = explainTimeout(options);
  const params = options.params && options.params.length > 0 ? options.params : undefined;
  return async (text: string) => {
    if (session.flavor !== 'mariadb')
      await session.query(`SET SESSION max_execution_time = ${timeoutMs}`);
    return session.query<Record<string, unknown>>(statementText(session, text, timeoutMs), params);
  };
}

/** The session's default database (empty when none is selected). */
export async function currentDatabase(session: DbSession): Promise<string> {
  const row = await session.query<{ d: string | null }>('SELECT DATABASE() AS d');
  return row.rows[0]?.d ?? '';
}

function plainExplainOf(session: DbSession, sql: string): string {
  return session.flavor === 'mariadb' ? `EXPLAIN FORMAT=JSON ${sql}` : `EXPLAIN FORMAT=TREE ${sql}`;
}

function analyzeOf(session: DbSession, sql: string): string {
  return session.flavor === 'mariadb' ? `ANALYZE FORMAT=JSON ${sql}` : `EXPLAIN ANALYZE ${sql}`;
}

/** MariaDB bounds one statement with SET STATEMENT; MySQL uses a session timeout (SELECT only). */
function statementText(session: DbSession, text: string, timeoutMs: number): string {
  return session.flavor === 'mariadb'
    ? `SET STATEMENT max_statement_time=${timeoutMs / 1000} FOR ${text}`
    : text;
}

function planText(result: { rows: Array<Record<string, unknown>> }): string {
  const row = result.rows[0] ?? {};
  return String(row['ANALYZE'] ?? row['EXPLAIN'] ?? Object.values(row)[0] ?? '');
}

function parsePlan(session: DbSession, text: string, sql: string): ExplainedPlan {
  return session.flavor === 'mariadb' ? parseMariaDbPlan(text, sql) : parseMysqlTree(text, sql);
}

/** Routines that may run without Redline being able to tell what they do. */
function routineProblems(routines: readonly ReachedRoutine[]): string[] {
  const problems: string[] = [];
  for (const r of routines) {
    const name = `${qualified(r.schema, r.name)}()`;
    if (r.body === null) {
      problems.push(`the server does not show the definition of ${name} to this user`);
      continue;
    }
    const ops = nonTransactionalOperations(r.body, identifierWords(r.body), true);
    if (ops.length > 0)
      problems.push(
        `${name} (${r.dataAccess}) uses ${ops.join(', ')}, which no transaction undoes`,
      );
  }
  return problems;
}

/** Why a write may not run: non-transactional tables, and what triggers run. */
function writeProblems(reach: MysqlReach): { planning: string[]; refused: string[] } {
  const planning: string[] = [];
  const refused: string[] = [];
  const planned = new Set(
    reach.routines.filter((r) => !r.viaTrigger).map((r) => qualified(r.schema, r.name)),
  );
  for (const t of reach.tables) {
    const name = qualified(t.schema, t.name);
    const sequence = t.type === 'SEQUENCE';
    if (!sequence && (t.type !== 'BASE TABLE' || t.transactional)) continue;
    const what = sequence ? `the sequence ${name}` : `${name} (engine ${t.engine ?? 'unknown'})`;
    refused.push(`it may change ${what}, which a rollback does not restore`);
    for (const owner of t.owners) {
      if (planned.has(owner))
        planning.push(
          `${owner}() may change ${what}, and MariaDB may run stored functions while planning`,
        );
    }
  }
  refused.push(...routineProblems(reach.routines.filter((r) => r.viaTrigger)));
  return { planning: [...new Set(planning)], refused };
}
