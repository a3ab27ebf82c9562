/** Rule: a nested loop that runs its inner side thousands of times. */
import type { Severity } from '../../findings/finding.js';
import type { PlanNode } from '../plan/plan-node.js';
import { createPlanFinding, ms, type PlanRule } from './plan-rule.js';

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
    return createPlanFinding({
      rule: nestedLoopRule,
      context,
      severity,
      timeSavedMs: innerMs * NESTED_LOOP_SAVING,
      impact: `${inner.label} ran ${inner.loops} times, ${ms(innerMs)} (${(share * 100).toFixed(0)}% of the statement)`,
      rootCause: `The nested loop runs its inner side once per outer row (${inner.loops} times).${outerMisestimated ? ` The planner expected only ${outer?.estimatedRows} outer rows but got ${outer?.actualRows}: the misestimate made the nested loop look cheap.` : ' With this many outer rows a hash or merge join is usually cheaper.'}`,
      recommendation: {
        text: outerMisestimated
          ? 'Fix the outer side’s row estimate (ANALYZE / extended statistics) so the planner can pick a hash join; make sure the inner join key is indexed.'
          : 'Make sure the inner side’s join key is indexed, or restructure the query so the planner can hash-join (check the outer estimate, enable_hashjoin, work_mem).',
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
