/** Rule: a hash (join or aggregate) split into several batches: it spilled to disk. */
import {
  createPlanFinding,
  ms,
  nodeShare,
  type PlanRule,
  severityFromNodeShare,
} from './plan-rule.js';

/** Batches above this mean the hash table did not fit in memory (PEV2: >1 → c3). */
export const MAX_HASH_BATCHES = 1;
/** Share of the node's subtree time assumed saved by an in-memory hash (ranking only). */
export const HASH_SPILL_SAVING = 0.3;

/** `db.hash-spill`: Hash Batches > 1 or HashAgg Batches > 1. */
export const hashSpillRule: PlanRule = {
  id: 'db.hash-spill',
  title: 'Hash spilled to disk in batches',
  scope: 'node',
  engines: ['postgres'],
  needsActuals: true,
  check(context) {
    const { node } = context;
    if ((node.hashBatches ?? 1) <= MAX_HASH_BATCHES) return null;
    const grew =
      node.originalHashBatches !== undefined && node.originalHashBatches < (node.hashBatches ?? 0);
    const costMs = node.totalMs ?? 0;
    const severity = severityFromNodeShare(nodeShare(context));
    return createPlanFinding({
      rule: hashSpillRule,
      context,
      severity: severity === 'info' ? 'low' : severity,
      timeSavedMs: costMs * HASH_SPILL_SAVING,
      impact: `${node.label} used ${node.hashBatches} batches (${ms(costMs)} in its subtree)`,
      rootCause: `The hash table needed more than work_mem × hash_mem_multiplier${grew ? ` and grew from ${node.originalHashBatches} to ${node.hashBatches} batches at run time (the row estimate was too low)` : ''}, so it was written to disk in ${node.hashBatches} batches.`,
      recommendation: {
        text: 'Raise work_mem (or hash_mem_multiplier) for this query, or reduce the rows/columns hashed; if batches grew at run time, fix the row estimate first.',
        sql: 'SET LOCAL hash_mem_multiplier = 4;',
        effort: 'low',
      },
      evidence: [
        { label: 'hash batches', value: node.hashBatches ?? 0 },
        ...(node.peakMemoryKb !== undefined
          ? [{ label: 'peak memory', value: node.peakMemoryKb, unit: 'kB' }]
          : []),
      ],
    });
  },
};
