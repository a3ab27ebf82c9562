/** Rule: a bitmap heap scan went lossy (page-level bitmap) and rechecked every row of those pages. */
import { createPlanFinding, ms, type PlanRule } from './plan-rule.js';

/** Lossy heap blocks above this trigger the rule (pganalyze: any). */
export const MAX_LOSSY_BLOCKS = 0;
/** The scan must take at least this long (ms) to matter. */
export const MIN_LOSSY_MS = 1;
/** Share of the scan's time assumed saved with an exact bitmap (ranking only). */
export const LOSSY_SAVING = 0.3;

/** `db.lossy-bitmap`: Lossy Heap Blocks > 0 on a Bitmap Heap Scan. */
export const lossyBitmapRule: PlanRule = {
  id: 'db.lossy-bitmap',
  title: 'Bitmap heap scan went lossy (work_mem too small)',
  scope: 'node',
  engines: ['postgres'],
  needsActuals: true,
  check(context) {
    const { node } = context;
    if ((node.lossyHeapBlocks ?? 0) <= MAX_LOSSY_BLOCKS || (node.selfMs ?? 0) < MIN_LOSSY_MS)
      return null;
    const recheck = node.rowsRemovedByIndexRecheck ?? 0;
    return createPlanFinding({
      rule: lossyBitmapRule,
      context,
      severity: 'medium',
      timeSavedMs: (node.selfMs ?? 0) * LOSSY_SAVING,
      impact: `${node.lossyHeapBlocks} lossy blocks; ${recheck} rows rechecked and removed (${ms(node.selfMs ?? 0)})`,
      rootCause:
        'The bitmap did not fit in work_mem, so PostgreSQL kept whole pages instead of row pointers and had to recheck every row on them.',
      recommendation: {
        text: 'Raise work_mem for this query so the bitmap stays exact.',
        sql: "SET LOCAL work_mem = '64MB';",
        effort: 'low',
      },
      evidence: [
        { label: 'lossy heap blocks', value: node.lossyHeapBlocks ?? 0 },
        { label: 'exact heap blocks', value: node.exactHeapBlocks ?? 0 },
        { label: 'rows removed by index recheck', value: recheck },
      ],
    });
  },
};
