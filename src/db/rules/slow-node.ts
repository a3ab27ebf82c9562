/** Rule: one node takes most of the statement's time (and no more specific rule explains it). */
import {
  createPlanFinding,
  ms,
  nodeShare,
  type PlanRule,
  severityFromNodeShare,
} from './plan-rule.js';

/** Self-time share above which a node is called out (PEV2 c3: >40 %). */
export const SLOW_NODE_SHARE = 0.4;
/** ... when it also takes at least this long (ms). */
export const SLOW_NODE_MIN_MS = 5;
/** Share of the node's time assumed recoverable (ranking only). */
export const SLOW_NODE_SAVING = 0.2;

/** `db.slow-node`: exclusive time / execution time (PEV2 `durationClass`). */
export const slowNodeRule: PlanRule = {
  id: 'db.slow-node',
  title: 'Most of the time is spent in one node',
  scope: 'node',
  engines: ['postgres', 'mariadb', 'mysql'],
  needsActuals: true,
  suppressedBy: ['*'],
  check(context) {
    const { node } = context;
    const share = nodeShare(context);
    const selfMs = node.selfMs ?? 0;
    if (share <= SLOW_NODE_SHARE || selfMs < SLOW_NODE_MIN_MS) return null;
    return createPlanFinding({
      rule: slowNodeRule,
      context,
      severity: severityFromNodeShare(share),
      timeSavedMs: selfMs * SLOW_NODE_SAVING,
      title: `${node.label} takes ${(share * 100).toFixed(0)}% of the statement`,
      impact: `${ms(selfMs)} of ${ms(context.totalMs)} in this node`,
      rootCause: `${node.label} processes ${Math.round((node.actualRows ?? 0) * (node.loops ?? 1))} rows${(node.loops ?? 1) > 1 ? ` over ${node.loops} loops` : ''}; it dominates the statement's time.`,
      recommendation: {
        text: 'Reduce the rows this node handles (a more selective predicate, an index, a LIMIT) or the work per row.',
        effort: 'medium',
      },
      evidence: [
        { label: 'self time', value: Number(selfMs.toFixed(3)), unit: 'ms' },
        { label: 'share of statement', value: Number((share * 100).toFixed(1)), unit: '%' },
      ],
    });
  },
};
