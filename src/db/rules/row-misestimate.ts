/** Rule: the planner's row estimate is off by 10×/100×/1000× (stale or missing statistics). */
import type { FindingRecommendation, Severity } from '../../findings/finding.js';
import { nodesCutByLimit } from '../plan/limit-cut.js';
import { type ExplainedPlan, type PlanNode, walkPlan } from '../plan/plan-node.js';
import { createPlanFinding, ms, type PlanRule, tableOf } from './plan-rule.js';

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

/** The per-loop row counts the rule compares: planned and actual. */
interface RowCounts {
  estimated: number;
  actual: number;
  /** What is counted: rows returned, or rows examined (MySQL/MariaDB table access). */
  what: 'rows' | 'rows examined';
}

/**
 * The counts to compare. MySQL/MariaDB: the rows the access examines (`rows` vs `r_rows`), not
 * after the attached condition: for a column without an index or histogram `filtered` is a fixed
 * guess of the optimizer, so `filtered` vs `r_filtered` says nothing about stale statistics.
 */
function rowCounts(node: PlanNode): RowCounts | undefined {
  if (node.neverExecuted) return undefined;
  // MySQL's `Filter:` node estimates with the same selectivity guess (its scan below is compared).
  if (node.nodeType === 'Filter' && node.filter !== undefined) return undefined;
  const access = node.mysql;
  if (access?.estimatedRowsExamined !== undefined && access.rowsExamined !== undefined) {
    if (node.actualRows === undefined) return undefined;
    return {
      estimated: access.estimatedRowsExamined,
      actual: access.rowsExamined,
      what: 'rows examined',
    };
  }
  if (node.actualRows === undefined || node.estimatedRows === undefined) return undefined;
  return { estimated: node.estimatedRows, actual: node.actualRows, what: 'rows' };
}

/**
 * Factor by which the estimate misses (≥ 1), or 0 when the node has no actuals, the difference
 * is noise, or (`cutByLimit`) the node returned fewer rows than planned because a LIMIT above it
 * stopped reading: a top-N sort planned for 3,000 rows that hands 20 to `LIMIT 20` is no error.
 */
export function misestimateFactor(node: PlanNode, cutByLimit = false): number {
  const counts = rowCounts(node);
  if (!counts) return 0;
  if (cutByLimit && counts.actual < counts.estimated) return 0;
  const actual = Math.max(1, counts.actual);
  const planned = Math.max(1, counts.estimated);
  const rowDiff = Math.abs(counts.actual - counts.estimated) * (node.loops ?? 1);
  if (rowDiff < MIN_ROW_DIFFERENCE) return 0;
  return Math.max(actual / planned, planned / actual);
}

/** The fix each engine offers for a wrong estimate (no PostgreSQL-only advice elsewhere). */
function advice(plan: ExplainedPlan, node: PlanNode): FindingRecommendation {
  const table = tableOf(plan, node);
  const on = table ? ` on ${table}` : '';
  if (plan.engine === 'postgres') {
    const name = table
      ? `${node.schema && node.schema !== 'public' ? `${node.schema}.` : ''}${table}`
      : undefined;
    return {
      text: `Refresh statistics${on}; if the estimate stays wrong, raise the column's statistics target (ALTER TABLE … ALTER COLUMN … SET STATISTICS) or add extended statistics (CREATE STATISTICS) for correlated columns.`,
      ...(name ? { sql: `ANALYZE ${name};` } : {}),
      effort: 'low',
    };
  }
  if (plan.engine === 'mariadb') {
    return {
      text: `Refresh statistics${on} (ANALYZE TABLE); for skewed or correlated values collect engine-independent statistics with histograms (ANALYZE TABLE … PERSISTENT FOR COLUMNS (…) INDEXES ALL, used with use_stat_tables=PREFERABLY and optimizer_use_condition_selectivity ≥ 4), or fix the join order with STRAIGHT_JOIN when statistics cannot describe the skew.`,
      ...(table ? { sql: `ANALYZE TABLE ${table};` } : {}),
      effort: 'low',
    };
  }
  return {
    text: `Refresh statistics${on} (ANALYZE TABLE); for skewed values of a column build a histogram (ANALYZE TABLE … UPDATE HISTOGRAM ON …), or fix the join order with a JOIN_ORDER hint when statistics cannot describe the skew.`,
    ...(table ? { sql: `ANALYZE TABLE ${table};` } : {}),
    effort: 'low',
  };
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
    const cut = cutNodes(context.plan);
    const factor = misestimateFactor(node, cut.has(node.id));
    if (factor < MISESTIMATE_LOW) return null;
    let lower = false;
    for (const child of node.children)
      walkPlan(child, (n) => {
        lower ||= misestimateFactor(n, cut.has(n.id)) >= MISESTIMATE_LOW;
      });
    if (lower) return null;
    const affectedMs = parent?.totalMs ?? node.totalMs ?? 0;
    if (affectedMs < MIN_PARENT_MS) return null;
    const severity: Severity =
      factor >= MISESTIMATE_HIGH ? 'high' : factor >= MISESTIMATE_MEDIUM ? 'medium' : 'low';
    const counts = rowCounts(node) as RowCounts;
    const under = counts.actual > counts.estimated;
    return createPlanFinding({
      rule: rowMisestimateRule,
      context,
      severity,
      timeSavedMs: affectedMs * MISESTIMATE_SAVING,
      impact: `the plan above it (${ms(affectedMs)}) was chosen for ${fmt(counts.estimated)} ${counts.what} but got ${fmt(counts.actual)}`,
      rootCause: `${node.label}: estimated ${fmt(counts.estimated)} ${counts.what} per loop, actual ${fmt(counts.actual)} (${under ? 'under' : 'over'}-estimated ${Math.round(factor)}×). Join methods, join order and memory are sized from this estimate; the statistics are stale or too coarse for these values (skew, correlated columns).`,
      recommendation: advice(context.plan, node),
      evidence: [
        { label: `estimated ${counts.what} (per loop)`, value: round2(counts.estimated) },
        { label: `actual ${counts.what} (per loop)`, value: round2(counts.actual) },
        { label: 'factor', value: Math.round(factor), unit: '×' },
      ],
    });
  },
};

/** Limit cut-offs per plan, computed once for all the nodes of a plan. */
const CUT_CACHE = new WeakMap<ExplainedPlan, Set<number>>();
function cutNodes(plan: ExplainedPlan): Set<number> {
  let cut = CUT_CACHE.get(plan);
  if (!cut) {
    cut = nodesCutByLimit(plan);
    CUT_CACHE.set(plan, cut);
  }
  return cut;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function fmt(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}
