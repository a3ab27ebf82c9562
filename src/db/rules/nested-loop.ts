/** Rule: a nested loop that runs its inner side thousands of times. */
import type { Severity } from '../../findings/finding.js';
import { type IndexSuggestion, suggestIndex } from '../advice/index-advice.js';
import type { ExplainedPlan, PlanNode } from '../plan/plan-node.js';
import { MIN_ROWS_REMOVED, REMOVED_SHARE_HIGH } from './missing-index.js';
import { createPlanFinding, ms, type PlanRule, tableOf } from './plan-rule.js';

/** The inner side must loop at least this often (QuerySense's critical floor [ref: querysense]). */
export const MIN_INNER_LOOPS = 1000;
/** ... and its subtree must take at least this share of the statement (Redline's choice). */
export const MIN_INNER_SHARE = 0.1;
/** Inner share above which severity is high. */
export const HIGH_INNER_SHARE = 0.5;
/** Share of the inner subtree's time assumed saved by a hash join or a better index (ranking only). */
export const NESTED_LOOP_SAVING = 0.5;

/** `db.nested-loop`: Nested Loop whose inner child has many loops and significant time. */
export const nestedLoopRule: PlanRule = {
  id: 'db.nested-loop',
  title: 'Nested loop repeats its inner side thousands of times',
  scope: 'node',
  engines: ['postgres', 'mysql', 'mariadb'],
  needsActuals: true,
  check(context) {
    const { totalMs } = context;
    const pair = loopPair(context.node, context.parent);
    if (!pair || (pair.inner.loops ?? 0) < MIN_INNER_LOOPS || totalMs <= 0) return null;
    const { inner, outer } = pair;
    const innerMs = inner.totalMs ?? 0;
    const share = innerMs / totalMs;
    if (share < MIN_INNER_SHARE) return null;
    const outerMisestimated =
      outer?.estimatedRows !== undefined &&
      outer.actualRows !== undefined &&
      outer.actualRows > outer.estimatedRows * 10;
    const severity: Severity = share >= HIGH_INNER_SHARE ? 'high' : 'medium';
    const filtered = filterIndex(inner, context.plan);
    if (filtered)
      return createPlanFinding({
        rule: nestedLoopRule,
        context,
        severity,
        timeSavedMs: innerMs * NESTED_LOOP_SAVING,
        impact: `${inner.label} ran ${inner.loops} times, ${ms(innerMs)} (${(share * 100).toFixed(0)}% of the statement)`,
        rootCause: `The nested loop looks ${filtered.table} up once per outer row (${inner.loops} times) and its filter ${inner.filter} then throws away ${(filtered.removedShare * 100).toFixed(1)}% of the rows read: the selective condition has no index, so the join starts from the wrong side.`,
        recommendation: {
          text: `Create an index on ${filtered.table} (${filtered.index.columns.join(', ')}): the join can then start from the few matching rows; check it with --verify-index.`,
          sql: filtered.index.createSql,
          effort: 'low',
        },
        index: filtered.index,
        evidence: [
          { label: 'inner loops', value: inner.loops ?? 0 },
          { label: 'inner subtree time', value: Number(innerMs.toFixed(3)), unit: 'ms' },
          { label: 'rows removed by the inner filter', value: Math.round(filtered.removed) },
        ],
      });
    return createPlanFinding({
      rule: nestedLoopRule,
      context,
      severity,
      timeSavedMs: innerMs * NESTED_LOOP_SAVING,
      impact: `${inner.label} ran ${inner.loops} times, ${ms(innerMs)} (${(share * 100).toFixed(0)}% of the statement)`,
      rootCause: `The nested loop runs its inner side once per outer row (${inner.loops} times).${outerMisestimated ? ` The planner expected only ${outer?.estimatedRows} outer rows but got ${outer?.actualRows}: the misestimate made the nested loop look cheap.` : ' With this many outer rows a hash or merge join is usually cheaper.'}`,
      recommendation: {
        text: joinAdvice(context.plan.engine, outerMisestimated),
        effort: 'medium',
      },
      evidence: [
        { label: 'inner loops', value: inner.loops ?? 0 },
        { label: 'inner subtree time', value: Number(innerMs.toFixed(3)), unit: 'ms' },
        ...(outer?.actualRows !== undefined
          ? [
              {
                label: 'outer rows (est. / actual)',
                value: `${outer.estimatedRows ?? '?'} / ${outer.actualRows}`,
              },
            ]
          : []),
      ],
    });
  },
};

/**
 * PostgreSQL/MySQL: a `Nested Loop` node whose second child is the inner side. MariaDB prints a
 * join as a flat `nested_loop` list: a table looked up once per row of the table before it.
 */
function loopPair(
  node: PlanNode,
  parent: PlanNode | undefined,
): { inner: PlanNode; outer: PlanNode | undefined } | undefined {
  if (/^Nested loop/i.test(node.nodeType) && node.children.length >= 2) {
    return { inner: node.children[1] as PlanNode, outer: node.children[0] };
  }
  if (node.nodeType === 'table' && parent) {
    const index = parent.children.indexOf(node);
    if (index > 0) return { inner: node, outer: parent.children[index - 1] };
  }
  return undefined;
}

/**
 * The inner side's own filter discards most of what each lookup reads (a selective condition on
 * the inner table with no index, e.g. `WHERE article.slug = ?` while the join is driven from the
 * users): an index on the filter columns lets the optimiser start from the matching rows. A
 * real NestJS + MikroORM + MariaDB service got hash-join settings of PostgreSQL instead.
 */
function filterIndex(
  inner: PlanNode,
  plan: ExplainedPlan,
): { index: IndexSuggestion; table: string; removed: number; removedShare: number } | undefined {
  if (!inner.filter || inner.rowsRemovedByFilter === undefined) return undefined;
  const removed = inner.rowsRemovedByFilter;
  const kept = (inner.actualRows ?? 0) * (inner.loops ?? 1);
  const removedShare = removed / Math.max(1, removed + kept);
  if (removed < MIN_ROWS_REMOVED || removedShare <= REMOVED_SHARE_HIGH) return undefined;
  const index = suggestIndex(inner, plan);
  if (!index) return undefined;
  return { index, table: tableOf(plan, inner) ?? index.table, removed, removedShare };
}

/** What to do about a loop over too many outer rows, in the engine's own terms. */
function joinAdvice(engine: ExplainedPlan['engine'], outerMisestimated: boolean): string {
  if (engine === 'postgres')
    return outerMisestimated
      ? 'Fix the outer side’s row estimate (ANALYZE / extended statistics) so the planner can pick a hash join; make sure the inner join key is indexed.'
      : 'Make sure the inner side’s join key is indexed, or restructure the query so the planner can hash-join (check the outer estimate, enable_hashjoin, work_mem).';
  return outerMisestimated
    ? 'Refresh the outer table’s statistics (ANALYZE TABLE) so the optimiser sees how many rows drive the loop; make sure the inner join key is indexed.'
    : 'Make sure the inner side’s join key is indexed, and filter the outer side before the join (an index on its filter columns) so fewer rows drive the loop.';
}
