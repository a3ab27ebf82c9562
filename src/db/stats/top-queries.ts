/** topQueries: rank a database's statements by total time, optionally explaining the worst ones. */
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import type { Finding } from '../../findings/finding.js';
import { type DbSession, openDb, parseDbTarget } from '../connection.js';
import { explainMysql } from '../mysql/explain.js';
import type { ExplainedPlan } from '../plan/plan-node.js';
import { explainPostgres } from '../postgres/explain.js';
import { countParameters, explainGenericPlan, fillRelationRows } from '../postgres/generic-plan.js';
import { runPlanRules } from '../rules/index.js';
import { classifyStatement } from '../sql/statement-kind.js';
import {
  assertPerformanceSchema,
  readStatementDigests,
  resetStatementDigests,
} from './performance-schema.js';
import {
  assertPgStatStatements,
  readPgStatStatements,
  resetPgStatStatements,
} from './pg-stat-statements.js';
import { rankTopQueries, type TopQuery } from './top-query.js';

export type { TopQuery } from './top-query.js';

/** Options of {@link topQueries}. */
export interface TopQueriesOptions {
  db?: string;
  session?: DbSession;
  /** How many statements to return (default 10). */
  limit?: number;
  /** Explain the first N with the plan rules (default 0). */
  explain?: number;
}

/** The ranking: statements by total time over the window since the last reset. */
export interface TopQueriesResult {
  target: string;
  source: 'pg_stat_statements' | 'performance_schema';
  totalMs: number;
  queries: TopQuery[];
}

const EXPLAINABLE = new Set([
  'SELECT',
  'WITH',
  'INSERT',
  'UPDATE',
  'DELETE',
  'MERGE',
  'VALUES',
  'TABLE',
  'REPLACE',
]);

/** Ranks statements by total time (pg_stat_statements / performance_schema digests). */
export async function topQueries(options: TopQueriesOptions): Promise<TopQueriesResult> {
  return withSession(options, async (session) => {
    const source = session.kind === 'mysql' ? 'performance_schema' : 'pg_stat_statements';
    const rows = session.kind === 'mysql' ? await readDigests(session) : await readPg(session);
    const { queries, totalMs } = rankTopQueries(rows, options.limit ?? 10);
    for (const q of queries.slice(0, options.explain ?? 0)) {
      const plan = await explainNormalised(session, q.query).catch(() => undefined);
      if (plan) q.findings = runPlanRules(plan).map((f) => withWindowImpact(f, q));
    }
    return { target: session.display, source, totalMs, queries };
  });
}

/** Resets the counters so the next ranking covers exactly the following window (e.g. a load test). */
export async function resetTopQueries(options: {
  db?: string;
  session?: DbSession;
}): Promise<void> {
  await withSession(options, async (session) => {
    if (session.kind === 'mysql') {
      await assertPerformanceSchema(session);
      await resetStatementDigests(session);
    } else {
      await assertPgStatStatements(session);
      await resetPgStatStatements(session);
    }
  });
}

/** Estimate-only findings carry no measured saving: state what the statement cost in the window. */
function withWindowImpact(finding: Finding, q: TopQuery): Finding {
  if (!finding.impact || (finding.impact.timeMs ?? 0) > 0) return finding;
  const { timeMs: _unknown, ...rest } = finding.impact;
  return {
    ...finding,
    impact: {
      ...rest,
      description: `${rest.description}; the statement took ${q.totalMs.toFixed(1)} ms over ${q.calls} calls in the window`,
    },
  };
}

async function readPg(session: DbSession): Promise<TopQuery[]> {
  await assertPgStatStatements(session);
  return readPgStatStatements(session);
}

async function readDigests(session: DbSession): Promise<TopQuery[]> {
  await assertPerformanceSchema(session);
  return readStatementDigests(session);
}

/**
 * Plans a normalised statement: PostgreSQL statements without parameters run under EXPLAIN
 * ANALYZE when the safety check allows it (rolled back); with parameters they get their generic
 * plan (estimates). MySQL/MariaDB digests get a plain EXPLAIN with `'1'` in place of each `?`.
 */
export async function explainNormalised(
  session: DbSession,
  sql: string,
): Promise<ExplainedPlan | undefined> {
  if (!EXPLAINABLE.has(classifyStatement(sql).keyword)) return undefined;
  if (session.kind === 'mysql') {
    const text = sql.replace(/\?/g, "'1'").replace(/\(\s*\.\.\.\s*\)/g, "('1')");
    return (await explainMysql(session, text, { analyze: false })).plan;
  }
  if (countParameters(sql) > 0) return explainGenericPlan(session, sql);
  const { plan } = await explainPostgres(session, sql);
  await fillRelationRows(session, plan);
  return plan;
}

async function withSession<T>(
  options: { db?: string; session?: DbSession },
  run: (s: DbSession) => Promise<T>,
): Promise<T> {
  if (!options.session && !options.db) {
    throw new RedlineError('DB_URL_MISSING', 'no database given', {
      exitCode: ExitCode.Usage,
      hint: 'pass --db <url>',
    });
  }
  const session = options.session ?? (await openDb(parseDbTarget(options.db as string)));
  try {
    return await run(session);
  } finally {
    if (!options.session) await session.close().catch(() => {});
  }
}
