/** Rule (MySQL/MariaDB): a filesort that takes a significant share of the statement. */
import { createPlanFinding, ms, nodeShare, type PlanRule } from './plan-rule.js';
import { mariadbTopNScan, topNSortRule } from './top-n-sort.js';

/** Filesorts taking at least this share of the statement are reported ... */
export const FILESORT_MIN_SHARE = 0.1;
/** ... when they also take this long (ms). */
export const FILESORT_MIN_MS = 1;
/** Share of the sort time assumed saved by an index that gives the order (ranking only). */
export const FILESORT_SAVING = 0.7;

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
    // A top-N filesort over a full scan is db.top-n-sort's, with the index that gives the order.
    if (mariadbTopNScan(node) && topNSortRule.check(context)) return null;
    return createPlanFinding({
      rule: filesortRule,
      context,
      severity: nodeShare(context) > 0.4 ? 'medium' : 'low',
      timeSavedMs: selfMs * FILESORT_SAVING,
      impact: `${ms(selfMs)} sorting${node.sortKey ? ` by ${node.sortKey.join(', ')}` : ''}`,
      rootCause:
        'No index delivers the rows in the requested order, so they are collected and sorted (in memory or in temporary files) on every execution.',
      recommendation: {
        text: `Add an index whose leading columns match the WHERE equality columns followed by the ORDER BY columns (${node.sortKey?.join(', ') ?? 'sort key'}), or raise sort_buffer_size if the sort merges passes.`,
        effort: 'low',
      },
      evidence: [{ label: 'sort time', value: Number(selfMs.toFixed(3)), unit: 'ms' }],
    });
  },
};
