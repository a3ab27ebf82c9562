/** Rule: the planner's row estimate is off by 10×/100×/1000× (stale or missing statistics). */
import type { Severity } from '../../findings/index.js';
import { type PlanNode, walkPlan } from '../plan/plan-node.js';
import { createPlanFinding, ms, type PlanRule } from './plan-rule.js';

/** Misestimate factors (PEV2, depesz and pgAdmin all use 10/100/1000). */
export const MISESTIMATE_LOW = 10;
export const MISESTIMATE_MEDIUM = 100;
export const MISESTIMATE_HIGH = 1000;
/** Ignore misestimates smaller than this many rows in absolute terms (1 vs 15 rows is noise). */
export const MIN_ROW_DIFFERENCE = 100;
/** The plan above the node must take at least this long for a bad estimate to matter (ms). */
export const MIN_PARENT_MS = 1;
/** Share of the parent's time assumed recoverable with a better plan (ranking only). */
export const MISESTIMATE_SAVING = 0.3;

/** Factor by which the estimate misses (≥ 1), or 0 when the node has no actuals. */
export function misestimateFactor(node: PlanNode): number {
  if (node.actualRows === undefined || node.estimatedRows === undefined || node.neverExecuted)
    return 0;
  const actual = Math.max(1, node.actualRows);
  const planned = Math.max(1, node.estimatedRows);
  const rowDiff = Math.abs(node.actualRows - node.estimatedRows) * (node.loops ?? 1);
  if (rowDiff < MIN_ROW_DIFFERENCE) return 0;
  return Math.max(actual / planned, planned / actual);
}

/** `db.row-misestimate`: reported at the lowest misestimated node, since errors spread upward. */
export const rowMisestimateRule: PlanRule = {
  id: 'db.row-misestimate',
  title: 'Row estimate far from reality: the planner is working from wrong statistics',
  scope: 'node',
  engines: ['postgres', 'mariadb', 'mysql'],
  needsActuals: true,
  check(context) {
    const { node, parent } = context;
    const factor = misestimateFactor(node);
    if (factor < MISESTIMATE_LOW) return null;
    let lower = false;
    for (const child of node.children)
      walkPlan(child, (n) => {
        lower ||= misestimateFactor(n) >= MISESTIMATE_LOW;
      });
    if (lower) return null;
    const affectedMs = parent?.totalMs ?? node.totalMs ?? 0;
    if (affectedMs < MIN_PARENT_MS) return null;
    const severity: Severity =
      factor >= MISESTIMATE_HIGH ? 'high' : factor >= MISESTIMATE_MEDIUM ? 'medium' : 'low';
    const under = (node.actualRows ?? 0) > (node.estimatedRows ?? 0);
    const table = node.relation;
    const analyze = table
      ? context.plan.engine === 'postgres'
        ? `ANALYZE ${node.schema && node.schema !== 'public' ? `${node.schema}.` : ''}${table};`
        : `ANALYZE TABLE ${table};`
      : undefined;
    return createPlanFinding({
      rule: rowMisestimateRule,
      context,
      severity,
      timeSavedMs: affectedMs * MISESTIMATE_SAVING,
      impact: `the plan above it (${ms(affectedMs)}) was chosen for ${fmt(node.estimatedRows ?? 0)} rows but got ${fmt(node.actualRows ?? 0)}`,
      rootCause: `${node.label}: estimated ${fmt(node.estimatedRows ?? 0)} rows per loop, actual ${fmt(node.actualRows ?? 0)} (${under ? 'under' : 'over'}-estimated ${Math.round(factor)}×). Join methods and memory are sized from this estimate, usually because the table's statistics are stale or too coarse.`,
      recommendation: {
        text: `Refresh statistics${table ? ` on ${table}` : ''}; if the estimate stays wrong, raise the column's statistics target or add extended statistics (CREATE STATISTICS) for correlated columns.`,
        ...(analyze ? { sql: analyze } : {}),
        effort: 'low',
      },
      evidence: [
        { label: 'estimated rows (per loop)', value: node.estimatedRows ?? 0 },
        { label: 'actual rows (per loop)', value: node.actualRows ?? 0 },
        { label: 'factor', value: Math.round(factor), unit: '×' },
      ],
    });
  },
};

function fmt(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}
