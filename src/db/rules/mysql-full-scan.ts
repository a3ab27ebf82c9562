/** Rule (MySQL/MariaDB): a full table scan (`ALL`) of a non-tiny table that no filter explains. */
import type { PlanNode } from '../plan/plan-node.js';
import { filterIndex } from './nested-loop.js';
import { createPlanFinding, ms, type PlanRule, type RuleContext, tableOf } from './plan-rule.js';

/** Rows examined per scan from which a full scan is worth a look. */
export const FULL_SCAN_MIN_ROWS = 1000;
/** Share of the scan time assumed saved with an index (ranking only). */
export const FULL_SCAN_SAVING = 0.5;
/**
 * A single full scan (not repeated) is `medium` only when it takes at least this share of the
 * statement (with actuals); a cheap driving-table scan whose join key has an index is `low`
 * (test/fixtures/calibration/mariadb-top-n-join: 2,000 customers scanned in a fraction of a ms
 * while the statement's time is in the join).
 */
export const FULL_SCAN_MEDIUM_SHARE = 0.2;

/** `db.full-scan`: access_type ALL repeated in a join, or ALL although `possible_keys` exist. */
export const fullScanRule: PlanRule = {
  id: 'db.full-scan',
  title: 'Full table scan',
  scope: 'node',
  engines: ['mariadb', 'mysql'],
  needsActuals: false,
  suppressedBy: ['db.missing-index', 'db.join-buffer'],
  check(context) {
    const { node } = context;
    const access = node.mysql;
    if (access?.accessType !== 'ALL' || (access.rowsExamined ?? 0) < FULL_SCAN_MIN_ROWS)
      return null;
    const repeated = (node.loops ?? 1) > 1;
    const ignoredKeys = (access.possibleKeys?.length ?? 0) > 0 && !access.key;
    if (!repeated && !ignoredKeys) return null;
    if (!repeated && drivesUnindexedLookup(context, node)) return null;
    const selfMs = node.selfMs ?? 0;
    const table = tableOf(context.plan, node);
    const cheap =
      context.plan.analyzed &&
      node.selfMs !== undefined &&
      context.totalMs > 0 &&
      selfMs / context.totalMs < FULL_SCAN_MEDIUM_SHARE;
    return createPlanFinding({
      rule: fullScanRule,
      context,
      severity: repeated ? 'high' : cheap ? 'low' : 'medium',
      timeSavedMs: selfMs * FULL_SCAN_SAVING,
      title: `Full table scan of ${table ?? 'a table'}${repeated ? ` repeated ${node.loops} times` : ''}`,
      impact: `${Math.round(access.rowsExamined ?? 0)} rows read per scan${repeated ? ` × ${node.loops} scans` : ''} (${ms(selfMs)})`,
      rootCause: ignoredKeys
        ? `Indexes ${access.possibleKeys?.join(', ')} exist but were not used: the optimiser judged them unselective, or the predicate hides the column (a function, a type conversion).`
        : 'The table is read in full once per row of the preceding table: the join column has no usable index.',
      recommendation: {
        text: `Index the column ${table ?? 'the table'} is joined or filtered on, and check the predicate is sargable (no function around the column).`,
        effort: 'low',
      },
      evidence: [
        { label: 'access type', value: 'ALL' },
        { label: 'rows examined per scan', value: Math.round(access.rowsExamined ?? 0) },
        { label: 'scans', value: node.loops ?? 1 },
      ],
    });
  },
};

/**
 * A single scan of the table that drives a join, where a later table's lookup throws away most of
 * what it reads with its own unindexed filter: the optimiser starts from this table only because
 * the selective condition elsewhere has no index, which db.nested-loop reports with that index.
 * Advising an index on this table's join column (its primary key, already indexed) would be
 * wrong: a real NestJS + MikroORM + MariaDB service's article-by-slug lookup scanned its users.
 */
function drivesUnindexedLookup(context: RuleContext, node: PlanNode): boolean {
  const siblings = context.parent?.children ?? [];
  const at = siblings.indexOf(node);
  return at >= 0 && siblings.slice(at + 1).some((inner) => filterIndex(inner, context.plan));
}
