/**
 * EXPLAIN on PostgreSQL or PGlite. The statement is checked first (statement-safety.ts); then
 * EXPLAIN ANALYZE runs in a READ ONLY transaction (reads) or a read-write one (writes), always
 * rolled back; when the check refuses, a plain EXPLAIN (nothing runs) is shown instead.
 */
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import type { DbSession } from '../connection.js';
import type { ExplainedPlan } from '../plan/plan-node.js';
import { type ExplainSafety, type StatementAssessment, WRITES_NOT_ALLOWED } from '../safety.js';
import { classifyStatement } from '../sql/statement-kind.js';
import { parsePostgresPlan } from './parse-plan.js';
import { assessPostgresStatement, jsonCell, readPlanFacts } from './statement-safety.js';
import { inRolledBackTransaction } from './transaction.js';

/** Options of an EXPLAIN run. */
export interface RunExplainOptions {
  /** Positional parameters for `$1`, `$2`, ... */
  params?: readonly unknown[];
  /** Run the statement (EXPLAIN ANALYZE) when it is safe; false = plan only. Default true. */
  analyze?: boolean;
  /** Statement timeout in ms (default 30 000). */
  timeoutMs?: number;
  /** Settings applied with SET LOCAL for this statement only, e.g. `{ work_mem: '64MB' }`. */
  settings?: Readonly<Record<string, string>>;
  /**
   * Redline-generated statements run inside the same transaction before EXPLAIN (e.g. the
   * CREATE INDEX of --verify-index). Never user text.
   */
  before?: readonly string[];
  /** Run the statement once before the measured run (buffer cache warm-up); read-only statements only. */
  warmCache?: boolean;
  /**
   * PostgreSQL: user functions (`name` or `schema.name`) the caller vouches change nothing outside
   * this database, so EXPLAIN ANALYZE may run them in its rolled-back transaction.
   */
  trustFunctions?: readonly string[];
  /**
   * Whether a statement that writes (per the server: a ModifyTable node, row locks, a sequence
   * call) may run under EXPLAIN ANALYZE in its rolled-back transaction. Default true; false shows
   * such a statement's plan without running it, with {@link WRITES_NOT_ALLOWED} in
   * `safety.refused` (the MCP server's default).
   */
  analyzeWrites?: boolean;
}

/** One explained statement: the plan, how it ran, and what the safety check concluded. */
export interface ExplainRun {
  plan: ExplainedPlan;
  safety: ExplainSafety;
  /** True when the statement writes (per the server's plan), whether or not it ran. */
  writes: boolean;
  /** The safety check, when one ran (reusable for a second run of the same statement). */
  assessment?: StatementAssessment;
}

/** Default statement timeout of an explained query (ms). */
export const DEFAULT_EXPLAIN_TIMEOUT_MS = 30_000;

/** The timeout of `options`, clamped to a positive integer. */
export function explainTimeout(options: RunExplainOptions): number {
  return Math.max(1, Math.round(options.timeoutMs ?? DEFAULT_EXPLAIN_TIMEOUT_MS));
}

/**
 * EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) `sql` when the safety check allows it, else plain
 * EXPLAIN with the reasons in `safety.refused`. `assessment` reuses an earlier check of the same
 * statement (verify-index runs it twice).
 */
export async function explainPostgres(
  session: DbSession,
  sql: string,
  options: RunExplainOptions = {},
  assessment?: StatementAssessment,
): Promise<ExplainRun> {
  const timeoutMs = explainTimeout(options);
  const settings = options.settings ?? {};
  const params = options.params && options.params.length > 0 ? options.params : undefined;
  try {
    if (options.analyze === false)
      return await plainExplain(session, sql, params, timeoutMs, settings, []);
    const verdict =
      assessment ??
      (await assessPostgresStatement(session, sql, {
        ...(params ? { params } : {}),
        settings,
        timeoutMs,
        ...(options.trustFunctions ? { trustedFunctions: options.trustFunctions } : {}),
      }));
    const refused =
      verdict.writes && options.analyzeWrites === false
        ? [...verdict.refused, WRITES_NOT_ALLOWED]
        : verdict.refused;
    if (refused.length > 0) {
      const run = await plainExplain(session, sql, params, timeoutMs, settings, refused);
      return { ...run, writes: verdict.writes, assessment: verdict };
    }
    const readOnly = !verdict.writes;
    const before = options.before ?? [];
    const tx = { timeoutMs, settings, readOnly: readOnly && before.length === 0 };
    const plan = await inRolledBackTransaction(session, tx, async () => {
      for (const statement of before) await session.query(statement);
      if (readOnly && before.length > 0)
        await session.query('SET LOCAL transaction_read_only = on');
      // A fresh connection plans with cold catalog caches (10+ ms); a first plain EXPLAIN warms
      // them so the measured planning time is the steady state a pooled connection sees. Its
      // planning time is a second sample: the smaller one is kept.
      const warm = await session.query<Record<string, unknown>>(
        `EXPLAIN (SUMMARY, FORMAT JSON) ${sql}`,
        params,
      );
      if (options.warmCache && readOnly)
        await session.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, params);
      const result = await session.query<Record<string, unknown>>(
        `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`,
        params,
      );
      const measured = parsePostgresPlan(jsonCell(result.rows[0]?.['QUERY PLAN']), sql);
      const warmPlanning = planningTimeOf(jsonCell(warm.rows[0]?.['QUERY PLAN']));
      if (warmPlanning !== undefined && measured.planningMs !== undefined)
        measured.planningMs = Math.min(measured.planningMs, warmPlanning);
      return measured;
    });
    return {
      plan,
      safety: {
        mode: readOnly ? 'read-only' : 'rolled-back',
        refused: [],
        caveats: verdict.caveats,
      },
      writes: verdict.writes,
      assessment: verdict,
    };
  } catch (error) {
    throw asExplainError(error, sql);
  }
}

/** Plain EXPLAIN (nothing runs) in a READ ONLY transaction. */
async function plainExplain(
  session: DbSession,
  sql: string,
  params: readonly unknown[] | undefined,
  timeoutMs: number,
  settings: Readonly<Record<string, string>>,
  refused: string[],
): Promise<ExplainRun> {
  const cell = await inRolledBackTransaction(
    session,
    { timeoutMs, settings, readOnly: true },
    async () => {
      const result = await session.query<Record<string, unknown>>(
        `EXPLAIN (FORMAT JSON) ${sql}`,
        params,
      );
      return jsonCell(result.rows[0]?.['QUERY PLAN']);
    },
  );
  return {
    plan: parsePostgresPlan(cell, sql),
    safety: { mode: 'plan-only', refused, caveats: [] },
    writes: readPlanFacts(cell).writes,
  };
}

function planningTimeOf(value: unknown): number | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  const time = (first as { 'Planning Time'?: unknown } | undefined)?.['Planning Time'];
  return typeof time === 'number' ? time : undefined;
}

/** The statements EXPLAIN accepts, for error hints. */
const EXPLAINABLE_HINT =
  'EXPLAIN takes exactly one SELECT, INSERT, UPDATE, DELETE, MERGE, REPLACE or VALUES statement';

/**
 * Turns a driver error into a RedlineError that says what failed: several statements
 * (`DB_MULTI_STATEMENT`, exit 2), a timeout (`DB_TIMEOUT`, exit 72), anything else
 * (`DB_EXPLAIN`, exit 65).
 */
export function asExplainError(error: unknown, sql: string): unknown {
  if (error instanceof RedlineError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown })?.code;
  const errno = (error as { errno?: unknown })?.errno;
  if (
    /cannot insert multiple commands into a prepared statement/i.test(message) ||
    (errno === 1064 && classifyStatement(sql).statementCount > 1)
  ) {
    return new RedlineError(
      'DB_MULTI_STATEMENT',
      'expected exactly one SQL statement: the server refused the text as more than one',
      { exitCode: ExitCode.Usage, cause: error, hint: 'explain one statement at a time' },
    );
  }
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
  const shown = sql.length > 120 ? `${sql.slice(0, 117)}...` : sql;
  const syntax = code === '42601' || errno === 1064;
  return new RedlineError('DB_EXPLAIN', `EXPLAIN failed: ${message}`, {
    exitCode: ExitCode.DataError,
    cause: error,
    hint: syntax
      ? `${EXPLAINABLE_HINT}; check the statement: ${shown}`
      : `check the statement: ${shown}`,
  });
}
