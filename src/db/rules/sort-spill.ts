/** Rule: a sort that spilled to disk (external merge) because work_mem was too small. */
import {
  createPlanFinding,
  ms,
  nodeShare,
  type PlanRule,
  severityFromNodeShare,
} from './plan-rule.js';

/** Share of the sort's time assumed saved by sorting in memory (ranking only). */
export const SORT_SPILL_SAVING = 0.5;
/** work_mem suggested = disk space used × this factor (in-memory sorts need more than on disk). */
export const WORK_MEM_FACTOR = 2;

/** `db.sort-spill`: Sort Method external / Sort Space Type Disk (depesz DISK_SORT). */
export const sortSpillRule: PlanRule = {
  id: 'db.sort-spill',
  title: 'Sort spilled to disk',
  scope: 'node',
  engines: ['postgres'],
  needsActuals: true,
  check(context) {
    const { node } = context;
    const external = /external/i.test(node.sortMethod ?? '') || node.sortSpaceType === 'Disk';
    if (!external) return null;
    const kb = node.sortSpaceKb ?? 0;
    const suggestMb = Math.max(1, Math.ceil((kb * WORK_MEM_FACTOR) / 1024));
    const selfMs = node.selfMs ?? 0;
    const severity = severityFromNodeShare(nodeShare(context));
    return createPlanFinding({
      rule: sortSpillRule,
      context,
      severity: severity === 'info' ? 'low' : severity,
      timeSavedMs: selfMs * SORT_SPILL_SAVING,
      impact: `${ms(selfMs)} in a sort that wrote ${kb} kB to temporary files`,
      rootCause: `${node.label} used "${node.sortMethod ?? 'external'}" with ${kb} kB on disk: the rows did not fit in work_mem.`,
      recommendation: {
        text: `Give this query more sort memory (SET LOCAL work_mem inside its transaction, or per role), or add an index that returns rows already ordered by ${node.sortKey?.join(', ') ?? 'the sort key'}.`,
        sql: `SET LOCAL work_mem = '${suggestMb}MB';`,
        effort: 'low',
      },
      evidence: [
        { label: 'sort method', value: node.sortMethod ?? 'external' },
        { label: 'disk used', value: kb, unit: 'kB' },
        { label: 'sort self time', value: Number(selfMs.toFixed(3)), unit: 'ms' },
      ],
    });
  },
};
