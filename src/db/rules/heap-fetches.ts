/** Rule: an index-only scan that still visits the table (visibility map out of date). */
import type { Severity } from '../../findings/finding.js';
import { createPlanFinding, ms, type PlanRule } from './plan-rule.js';

/** Heap fetches / rows above this share is medium (PEV2: >40 % c3) ... */
export const HEAP_FETCH_MEDIUM = 0.4;
/** ... and above this high (PEV2: >90 % c4). */
export const HEAP_FETCH_HIGH = 0.9;
/** At least this many heap fetches and this many ms before it matters. */
export const MIN_HEAP_FETCHES = 100;
export const MIN_HEAP_FETCH_MS = 1;
/** Share of the scan's time assumed saved after VACUUM (ranking only). */
export const HEAP_FETCH_SAVING = 0.5;

/** `db.heap-fetches`: Heap Fetches / (rows + removed) on an Index Only Scan. */
export const heapFetchesRule: PlanRule = {
  id: 'db.heap-fetches',
  title: 'Index-only scan is not index-only: table visited for visibility',
  scope: 'node',
  engines: ['postgres'],
  needsActuals: true,
  check(context) {
    const { node } = context;
    if (!/Index Only Scan$/.test(node.nodeType) || (node.heapFetches ?? 0) < MIN_HEAP_FETCHES)
      return null;
    const rows = (node.actualRows ?? 0) * (node.loops ?? 1) + (node.rowsRemovedByFilter ?? 0);
    const ratio = (node.heapFetches ?? 0) / Math.max(1, rows);
    if (ratio <= HEAP_FETCH_MEDIUM || (node.selfMs ?? 0) < MIN_HEAP_FETCH_MS) return null;
    const severity: Severity = ratio > HEAP_FETCH_HIGH ? 'high' : 'medium';
    return createPlanFinding({
      rule: heapFetchesRule,
      context,
      severity,
      timeSavedMs: (node.selfMs ?? 0) * HEAP_FETCH_SAVING * Math.min(1, ratio),
      impact: `${node.heapFetches} heap fetches for ${Math.round(rows)} rows (${ms(node.selfMs ?? 0)})`,
      rootCause: `The visibility map of ${node.relation ?? 'the table'} is out of date, so the index-only scan has to check the table for ${(ratio * 100).toFixed(0)}% of its rows.`,
      recommendation: {
        text: 'VACUUM the table (and make sure autovacuum keeps up with its write rate).',
        ...(node.relation ? { sql: `VACUUM (ANALYZE) ${node.relation};` } : {}),
        effort: 'low',
      },
      evidence: [
        { label: 'heap fetches', value: node.heapFetches ?? 0 },
        { label: 'rows', value: Math.round(rows) },
      ],
    });
  },
};
