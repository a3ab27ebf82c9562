/** Runs EXPLAIN on PostgreSQL or PGlite inside a transaction that is always rolled back. */
import { ExitCode, RedlineError } from '../../errors/index.js';
import type { DbSession } from '../connection.js';
import type { ExplainedPlan } from '../plan/plan-node.js';
import { parsePostgresPlan } from './parse-plan.js';

/** Options of an EXPLAIN run. */
export interface RunExplainOptions {
  /** Positional parameters for `$1`, `$2`, ... */
  params?: readonly unknown[];
  /** Run the statement (EXPLAIN ANALYZE); false = plan only. Default true. */
  analyze?: boolean;
  /** Statement timeout in ms (default 30 000). */
  timeoutMs?: number;
  /** Settings applied with SET LOCAL for this statement only, e.g. `{ work_mem: '64MB' }`. */
  settings?: Readonly<Record<string, string>>;
  /** Statements run inside the same transaction before EXPLAIN (e.g. a CREATE INDEX to test). */
  before?: readonly string[];
}

/** Default statement timeout of an explained query (ms). */
export const DEFAULT_EXPLAIN_TIMEOUT_MS = 30_000;

const SETTING_NAME = /^[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)?$/i;

/**
 * EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) `sql` in BEGIN ... ROLLBACK, so writes (and data-modifying
 * CTEs) leave the data unchanged. A statement timeout applies; errors name the problem.
 */
export async function explainPostgres(
  session: DbSession,
  sql: string,
  options: RunExplainOptions = {},
): Promise<ExplainedPlan> {
  const analyze = options.analyze ?? true;
  const explainOptions = analyze ? 'ANALYZE, BUFFERS, FORMAT JSON' : 'FORMAT JSON';
  await session.query('BEGIN');
  try {
    const timeout = Math.max(1, Math.round(options.timeoutMs ?? DEFAULT_EXPLAIN_TIMEOUT_MS));
    await session.query(`SET LOCAL statement_timeout = ${timeout}`);
    for (const [name, value] of Object.entries(options.settings ?? {})) {
      if (!SETTING_NAME.test(name)) {
        throw new RedlineError('DB_SETTING', `not a setting name: ${JSON.stringify(name)}`, {
          exitCode: ExitCode.Usage,
        });
      }
      await session.query('SELECT set_config($1, $2, true)', [name, value]);
    }
    for (const statement of options.before ?? []) await session.query(statement);
    // A fresh connection plans with cold catalog caches (10+ ms); a first plain EXPLAIN warms them
    // so the measured planning time is the steady state a pooled application connection sees.
    // Its planning time is a second sample: the smaller one is kept, so one scheduling hiccup on
    // a busy machine does not turn into a "planning takes longer than execution" finding.
    const warm = analyze
      ? await session.query<Record<string, unknown>>(
          `EXPLAIN (SUMMARY, FORMAT JSON) ${sql}`,
          options.params,
        )
      : undefined;
    const result = await session.query<Record<string, unknown>>(
      `EXPLAIN (${explainOptions}) ${sql}`,
      options.params,
    );
    const plan = parsePostgresPlan(jsonCell(result.rows[0]?.['QUERY PLAN']), sql);
    const warmPlanning = warm ? planningTimeOf(jsonCell(warm.rows[0]?.['QUERY PLAN'])) : undefined;
    if (warmPlanning !== undefined && plan.planningMs !== undefined)
      plan.planningMs = Math.min(plan.planningMs, warmPlanning);
    return plan;
  } catch (error) {
    throw asExplainError(error, sql);
  } finally {
    await session.query('ROLLBACK').catch(() => {});
  }
}

function jsonCell(cell: unknown): unknown {
  return typeof cell === 'string' ? JSON.parse(cell) : cell;
}

function planningTimeOf(value: unknown): number | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  const time = (first as { 'Planning Time'?: unknown } | undefined)?.['Planning Time'];
  return typeof time === 'number' ? time : undefined;
}

/** Turns a driver error into a RedlineError that says what failed (timeouts get their own code). */
export function asExplainError(error: unknown, sql: string): unknown {
  if (error instanceof RedlineError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown })?.code;
  if (
    code === '57014' ||
    /statement timeout|max_statement_time|maximum statement execution time/i.test(message)
  ) {
    return new RedlineError(
      'DB_TIMEOUT',
      'the statement ran past the statement timeout and was cancelled',
      {
        exitCode: ExitCode.Unavailable,
        cause: error,
        hint: 'raise --timeout, or use --no-analyze to see the plan without running the statement',
      },
    );
  }
  return new RedlineError('DB_EXPLAIN', `EXPLAIN failed: ${message}`, {
    exitCode: ExitCode.DataError,
    cause: error,
    hint: `check the statement: ${sql.length > 120 ? `${sql.slice(0, 117)}...` : sql}`,
  });
}
