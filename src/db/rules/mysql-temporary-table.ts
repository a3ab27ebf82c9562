/** Rule (MySQL/MariaDB): a temporary table built for GROUP BY / DISTINCT / UNION. */
import { createPlanFinding, ms, type PlanRule } from './plan-rule.js';

/** Temporary tables whose subtree takes at least this share of the statement are reported. */
export const TEMPORARY_MIN_SHARE = 0.2;
/** ... and at least this long (ms). */
export const TEMPORARY_MIN_MS = 5;
/** Share of the subtree time assumed saved by an index-ordered GROUP BY (ranking only). */
export const TEMPORARY_SAVING = 0.3;

/** `db.temporary-table`: `Using temporary` (MySQL) / a `temporary_table` block (MariaDB). */
export const temporaryTableRule: PlanRule = {
  id: 'db.temporary-table',
  title: 'Temporary table built for grouping or de-duplication',
  scope: 'node',
  engines: ['mariadb', 'mysql'],
  needsActuals: true,
  check(context) {
    const { node, totalMs } = context;
    const isTemp = node.nodeType === 'temporary_table' || node.extra?.includes('Using temporary');
    const subtreeMs = node.totalMs ?? 0;
    if (
      !isTemp ||
      totalMs <= 0 ||
      subtreeMs / totalMs < TEMPORARY_MIN_SHARE ||
      subtreeMs < TEMPORARY_MIN_MS
    )
      return null;
    return createPlanFinding({
      rule: temporaryTableRule,
      context,
      severity: 'low',
      timeSavedMs: subtreeMs * TEMPORARY_SAVING,
      impact: `${ms(subtreeMs)} in the subtree that fills a temporary table`,
      rootCause:
        'GROUP BY / DISTINCT / UNION on columns no index orders forces MySQL to materialise the rows in a temporary table (on disk when it exceeds tmp_table_size).',
      recommendation: {
        text: 'Index the GROUP BY columns (after the equality filter columns) so grouping reads rows in order, or reduce the rows grouped.',
        effort: 'medium',
      },
      evidence: [{ label: 'subtree time', value: Number(subtreeMs.toFixed(3)), unit: 'ms' }],
    });
  },
};
