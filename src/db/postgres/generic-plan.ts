/** Plans of normalised statements (`$1` placeholders, as pg_stat_statements prints them). */
import type { DbSession } from '../connection.js';
import { type ExplainedPlan, listPlanNodes } from '../plan/plan-node.js';
import { significantTokens } from '../sql/tokenize.js';
import { asExplainError } from './explain.js';
import { parsePostgresPlan } from './parse-plan.js';
import { jsonCell, uniqueIdentifier } from './statement-safety.js';
import { inRolledBackTransaction } from './transaction.js';

/** Highest `$n` in the statement (0 when it has no parameters); display and PREPARE arity only. */
export function countParameters(sql: string): number {
  let max = 0;
  for (const token of significantTokens(sql)) {
    if (token.kind === 'param' && token.text.startsWith('$'))
      max = Math.max(max, Number(token.text.slice(1)));
  }
  return max;
}

/**
 * The generic plan of a parameterised statement (what Dexter does before PG16's GENERIC_PLAN):
 * PREPARE with plan_cache_mode = force_generic_plan, EXPLAIN EXECUTE with NULLs. The statement is
 * not run, so the plan has estimates only. Runs inside a READ ONLY transaction that is rolled back;
 * the prepared statement (which outlives transactions) is deallocated afterwards.
 */
export async function explainGenericPlan(session: DbSession, sql: string): Promise<ExplainedPlan> {
  const params = countParameters(sql);
  const name = uniqueIdentifier('redline_generic');
  try {
    const tx = {
      readOnly: true,
      timeoutMs: 10_000,
      settings: { plan_cache_mode: 'force_generic_plan' },
    };
    const cell = await inRolledBackTransaction(session, tx, async () => {
      await session.query(`PREPARE ${name} AS ${sql}`);
      const args = params > 0 ? `(${new Array(params).fill('NULL').join(', ')})` : '';
      const result = await session.query<Record<string, unknown>>(
        `EXPLAIN (FORMAT JSON) EXECUTE ${name}${args}`,
      );
      return jsonCell(result.rows[0]?.['QUERY PLAN']);
    });
    const plan = parsePostgresPlan(cell, sql);
    await fillRelationRows(session, plan);
    return plan;
  } catch (error) {
    throw asExplainError(error, sql);
  } finally {
    await session.query(`DEALLOCATE ${name}`).catch(() => {});
  }
}

/** Sets `relationRows` on scan nodes from pg_class.reltuples (the planner's table size). */
export async function fillRelationRows(session: DbSession, plan: ExplainedPlan): Promise<void> {
  const nodes = listPlanNodes(plan.root).filter((n) => n.relation);
  const names = [...new Set(nodes.map((n) => n.relation as string))];
  if (names.length === 0) return;
  const result = await session.query<{ relname: string; reltuples: number }>(
    "SELECT relname, reltuples::float8 AS reltuples FROM pg_class WHERE relname = ANY($1) AND relkind IN ('r', 'p', 'm')",
    [names],
  );
  const sizes = new Map(result.rows.map((r) => [r.relname, Number(r.reltuples)]));
  for (const node of nodes) {
    const size = sizes.get(node.relation as string);
    if (size !== undefined && size >= 0) node.relationRows = size;
  }
}
