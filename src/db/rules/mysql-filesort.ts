/** Rule (MySQL/MariaDB): a filesort that takes a significant share of the statement. */
import { parseIndexableColumns } from '../advice/conditions.js';
import { buildSuggestion, type IndexSuggestion, resolveTableRefs } from '../advice/index-advice.js';
import { type ExplainedPlan, listPlanNodes, type PlanNode } from '../plan/plan-node.js';
import { createPlanFinding, ms, nodeShare, type PlanRule } from './plan-rule.js';
import { plainSortColumns, TOP_N_MAX_LIMIT, TOP_N_MIN_ROWS_READ } from './top-n-sort.js';

/** Filesorts taking at least this share of the statement are reported ... */
export const FILESORT_MIN_SHARE = 0.1;
/** ... when they also take this long (ms). */
export const FILESORT_MIN_MS = 1;
/** Share of the sort time assumed saved by an index that gives the order (ranking only). */
export const FILESORT_SAVING = 0.7;
/**
 * ... and when the sort took in at least this many rows, or spilled to temporary files. Fewer rows
 * sort in well under FILESORT_MIN_MS (MariaDB 10.11 here: a top-20 of 3,000 joined rows in
 * 0.13 ms, 6 runs of the calibration case `mariadb-top-n-join`), so a longer time measured for
 * them is the machine's noise, not the sort's cost: in a CI run on a busy machine that healthy
 * case read its sort at ≥ 40 % of the statement once (a medium false positive). Same floor as a
 * top-N worth an index (TOP_N_MIN_ROWS_READ).
 */
export const FILESORT_MIN_ROWS = TOP_N_MIN_ROWS_READ;

/** `db.filesort`: `Using filesort` (MySQL) / a `filesort` block (MariaDB). */
export const filesortRule: PlanRule = {
  id: 'db.filesort',
  title: 'Rows sorted with a filesort',
  scope: 'node',
  engines: ['mariadb', 'mysql'],
  needsActuals: true,
  check(context) {
    const { node } = context;
    const isSort = node.nodeType === 'filesort' || node.extra?.includes('Using filesort');
    const selfMs = node.selfMs ?? 0;
    if (!isSort || nodeShare(context) < FILESORT_MIN_SHARE || selfMs < FILESORT_MIN_MS) return null;
    const rowsIn = rowsIntoSort(node);
    const spilled = (node.mysql?.sortPasses ?? 0) > 0;
    if (rowsIn !== undefined && rowsIn < FILESORT_MIN_ROWS && !spilled) return null;
    const topN = topNIndex(node, context.plan);
    return createPlanFinding({
      rule: filesortRule,
      context,
      severity: nodeShare(context) > 0.4 ? 'medium' : 'low',
      timeSavedMs: selfMs * FILESORT_SAVING,
      impact: `${ms(selfMs)} sorting${node.sortKey ? ` by ${node.sortKey.join(', ')}` : ''}`,
      rootCause: topN
        ? `No index delivers the rows in the requested order: all ${topN.read.toLocaleString('en-US')} rows of ${topN.index.table} are read and sorted to keep the first ${topN.limit} (a top-N) on every execution.`
        : 'No index delivers the rows in the requested order, so they are collected and sorted (in memory or in temporary files) on every execution.',
      recommendation: topN
        ? {
            text: `Create an index on ${topN.index.table} (${topN.index.columns.join(', ')}): the query then reads the first ${topN.limit} rows in index order and stops (an index is read backwards for DESC).`,
            sql: topN.index.createSql,
            effort: 'low',
          }
        : {
            text: `Add an index whose leading columns match the WHERE equality columns followed by the ORDER BY columns (${node.sortKey?.join(', ') ?? 'sort key'}), or raise sort_buffer_size if the sort merges passes.`,
            effort: 'low',
          },
      ...(topN ? { index: topN.index } : {}),
      evidence: [{ label: 'sort time', value: Number(selfMs.toFixed(3)), unit: 'ms' }],
    });
  },
};

/**
 * Rows that reached the sort, at most: the largest actual row count (× loops) below it. Undefined
 * when no node below it carries actual rows (the rule then judges by time alone).
 */
function rowsIntoSort(sort: PlanNode): number | undefined {
  const rows = listPlanNodes(sort)
    .slice(1)
    .filter((node) => node.actualRows !== undefined)
    .map((node) => (node.actualRows as number) * (node.loops ?? 1));
  return rows.length > 0 ? Math.max(...rows) : undefined;
}

/**
 * A top-N filesort (MariaDB's `r_limit`, a page not an export) over a full scan of one large
 * table, sorted by plain columns of that table: the index on (equality filter columns, sort
 * columns) reads the first rows in order. The shape a real NestJS + MikroORM list produced
 * (`ORDER BY a.created_at DESC LIMIT 20` over 20,000 articles); anything else keeps the generic
 * advice rather than suggest an index that would not serve the order.
 */
function topNIndex(
  sort: PlanNode,
  plan: ExplainedPlan,
): { index: IndexSuggestion; limit: number; read: number } | undefined {
  const limit = sort.mysql?.sortLimit;
  const scan = sort.children[0];
  if (limit === undefined || limit > TOP_N_MAX_LIMIT || !scan?.relation || !sort.sortKey) return;
  if (scan.mysql?.accessType !== 'ALL') return;
  const read = (scan.mysql.rowsExamined ?? 0) * (scan.loops ?? 1);
  if (read < TOP_N_MIN_ROWS_READ) return;
  const keys = sort.sortKey.flatMap((key) => key.split(/,\s*/));
  const alias = scan.relation.toLowerCase();
  if (!keys.every((key) => key.trim().toLowerCase().startsWith(`${alias}.`))) return;
  const columns = plainSortColumns(keys);
  if (!columns) return;
  const filter = scan.filter ? parseIndexableColumns(scan.filter) : undefined;
  if (scan.filter && (!filter || filter.range.length > 0)) return;
  const equality = (filter?.equality ?? []).filter((c) => !columns.includes(c));
  const ref = plan.sql ? resolveTableRefs(plan.sql).get(alias) : undefined;
  const index = buildSuggestion(plan.engine, ref?.table ?? scan.relation, ref?.schema, [
    ...equality,
    ...columns,
  ]);
  return { index, limit, read };
}
