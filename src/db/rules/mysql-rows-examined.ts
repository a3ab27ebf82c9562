/** Rule (MySQL/MariaDB): the statement examines far more rows than it returns. */
import { listPlanNodes } from '../plan/plan-node.js';
import { createPlanFinding, ms, type PlanRule } from './plan-rule.js';

/**
 * Examined / returned above this ratio (Redline's choice, the analogue of rows removed by a filter
 * [ref: mysql-statement-digests]).
 */
export const EXAMINED_RATIO = 100;
/** ... when the statement takes at least this long (ms). */
export const EXAMINED_MIN_MS = 5;
/** Share of the statement assumed saved (ranking only). */
export const EXAMINED_SAVING = 0.5;

/** `db.rows-examined`: Σ rows examined across tables ≫ rows sent. */
export const rowsExaminedRule: PlanRule = {
  id: 'db.rows-examined',
  title: 'Statement examines far more rows than it returns',
  scope: 'plan',
  engines: ['mariadb', 'mysql'],
  needsActuals: true,
  suppressedBy: ['db.missing-index', 'db.join-buffer', 'db.full-scan'],
  check(context) {
    const { plan, totalMs } = context;
    const nodes = listPlanNodes(plan.root);
    const examined = nodes.reduce(
      (acc, n) => acc + (n.mysql?.rowsExamined ?? 0) * (n.loops ?? 1),
      0,
    );
    const sent = Math.max(1, sentRows(plan.root));
    if (examined / sent < EXAMINED_RATIO || totalMs < EXAMINED_MIN_MS) return null;
    return createPlanFinding({
      rule: rowsExaminedRule,
      context,
      severity: 'medium',
      timeSavedMs: totalMs * EXAMINED_SAVING,
      impact: `${Math.round(examined)} rows examined for ${sent} returned (${ms(totalMs)})`,
      rootCause:
        'The statement reads many rows to produce few: the filter or join columns are not indexed, or the index is not selective.',
      recommendation: {
        text: 'Index the filtered and joined columns so rows are looked up, not scanned.',
        effort: 'low',
      },
      evidence: [
        { label: 'rows examined', value: Math.round(examined) },
        { label: 'rows returned', value: sent },
      ],
    });
  },
};

function sentRows(root: import('../plan/plan-node.js').PlanNode): number {
  if (root.actualRows !== undefined) return root.actualRows * (root.loops ?? 1);
  let last = 0;
  for (const node of listPlanNodes(root))
    if (node.nodeType === 'table' && node.actualRows !== undefined)
      last = node.actualRows * (node.loops ?? 1);
  return last;
}
