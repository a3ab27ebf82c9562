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
/**
 * Severity is capped by the node's own time: below this (ms) at most `low`, below
 * {@link SLOW_NODE_HIGH_MS} at most `medium`. A share alone flags every healthy statement, since
 * one node always dominates (a single-table query is 100 % its scan): the calibration corpus's
 * 10-ms top-N join and single scan (test/fixtures/calibration/pg-top-n-join,
 * mariadb-unindexed-filter) were "high" on share alone. The rule names no cause (it fires only
 * when no other rule explains the node), so it stays a pointer until the time itself is large;
 * a 60,000-row aggregate scan took 100+ ms on a loaded machine, hence a second, not 100 ms.
 */
export const SLOW_NODE_MEDIUM_MS = 1000;
/** Own time (ms) from which a dominant node can be `high`. */
export const SLOW_NODE_HIGH_MS = 10_000;

const ORDER = ['info', 'low', 'medium', 'high'] as const;

/** The share band's severity, capped by the node's own time. */
export function slowNodeSeverity(share: number, selfMs: number): (typeof ORDER)[number] {
  const byShare = severityFromNodeShare(share);
  const cap = selfMs < SLOW_NODE_MEDIUM_MS ? 'low' : selfMs < SLOW_NODE_HIGH_MS ? 'medium' : 'high';
  const rank = (s: string): number => ORDER.indexOf(s as (typeof ORDER)[number]);
  return rank(byShare) <= rank(cap) ? (byShare as (typeof ORDER)[number]) : cap;
}

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
      severity: slowNodeSeverity(share, selfMs),
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
