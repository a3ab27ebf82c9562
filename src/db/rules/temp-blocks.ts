/** Rule: temporary files written by a node (other than sorts and hashes, which have their own rules). */
import { createPlanFinding, ms, type PlanRule } from './plan-rule.js';

/**
 * Temp blocks written above this trigger the rule: any spill outgrew work_mem [ref: pg-work-mem].
 */
export const MAX_TEMP_BLOCKS = 0;
/** Share of the node's time assumed saved in memory (ranking only). */
export const TEMP_SAVING = 0.3;

/** `db.temp-io`: Temp Written Blocks > 0 (Materialize, CTE, window functions, ...). */
export const tempBlocksRule: PlanRule = {
  id: 'db.temp-io',
  title: 'Node writes temporary files',
  scope: 'node',
  engines: ['postgres'],
  needsActuals: true,
  suppressedBy: ['db.sort-spill', 'db.hash-spill'],
  check(context) {
    const { node } = context;
    const written = node.selfBuffers?.tempWritten ?? 0;
    if (
      written <= MAX_TEMP_BLOCKS ||
      /^(?:Sort|Incremental Sort|Hash|HashAggregate|Aggregate)$/.test(node.nodeType)
    )
      return null;
    const kb = written * 8;
    return createPlanFinding({
      rule: tempBlocksRule,
      context,
      severity: 'low',
      timeSavedMs: (node.selfMs ?? 0) * TEMP_SAVING,
      impact: `${kb} kB written to temporary files by ${node.label} (${ms(node.selfMs ?? 0)})`,
      rootCause: `${node.label} did not fit in work_mem and wrote ${written} blocks to temporary files.`,
      recommendation: {
        text: 'Raise work_mem for this query, or reduce the rows/columns this node keeps.',
        effort: 'low',
      },
      evidence: [{ label: 'temp blocks written', value: written }],
    });
  },
};
