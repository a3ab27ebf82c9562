/** Rule: a scan whose filter throws away most of the rows it reads → an index on the filter columns. */
import type { Severity } from '../../findings/finding.js';
import { suggestIndex } from '../advice/index-advice.js';
import { createPlanFinding, ms, type PlanRule, tableOf } from './plan-rule.js';

/** Share of read rows removed by the filter from which an index is suggested (PEV2: >50 % c3). */
export const REMOVED_SHARE_MEDIUM = 0.5;
/** Share removed that makes it high severity (PEV2: >90 % c4). */
export const REMOVED_SHARE_HIGH = 0.9;
/** At least this many rows removed (over all loops): tiny tables are fine to scan. */
export const MIN_ROWS_REMOVED = 1000;
/** The scan must cost at least this much (ms) to be worth an index. */
export const MIN_SCAN_MS = 1;

const SCANS = /^(?:Parallel )?Seq Scan$|^table$|^Table scan$|Scan$/;

/** `db.missing-index`: rows removed by filter (PEV2 R4) with the depesz Hinter's index suggestion (R4b). */
export const missingIndexRule: PlanRule = {
  id: 'db.missing-index',
  title: 'Filter discards most scanned rows: an index is missing',
  scope: 'node',
  engines: ['postgres', 'mariadb', 'mysql'],
  needsActuals: false,
  check(context) {
    const { node } = context;
    if (!SCANS.test(node.nodeType) || !node.filter) return null;
    if (node.mysql?.accessType && !['ALL', 'index', 'range'].includes(node.mysql.accessType))
      return null;
    if (!context.plan.analyzed) return checkEstimated(context);
    if (node.rowsRemovedByFilter === undefined) return null;
    const removed = node.rowsRemovedByFilter;
    const kept = (node.actualRows ?? 0) * (node.loops ?? 1);
    const share = removed / Math.max(1, removed + kept);
    const selfMs = node.selfMs ?? 0;
    if (share <= REMOVED_SHARE_MEDIUM || removed < MIN_ROWS_REMOVED || selfMs < MIN_SCAN_MS)
      return null;
    const severity: Severity = share > REMOVED_SHARE_HIGH ? 'high' : 'medium';
    const suggestion = suggestIndex(node, context.plan);
    const timeSavedMs = selfMs * share;
    const table = tableOf(context.plan, node) ?? 'the table';
    return createPlanFinding({
      rule: missingIndexRule,
      context,
      severity,
      timeSavedMs,
      impact: `${ms(selfMs)} scanning ${table}; ${(share * 100).toFixed(1)}% of the rows read were thrown away`,
      rootCause: `${node.label} reads ${fmt(removed + kept)} rows and its filter ${node.filter} keeps only ${fmt(kept)}: without an index on the filtered columns every row is read.`,
      recommendation: suggestion
        ? {
            text: `Create an index on ${table} (${suggestion.columns.join(', ')}) so the filter becomes an index lookup; check it with --verify-index.`,
            sql: suggestion.createSql,
            effort: 'low',
          }
        : {
            text: `Index the column(s) compared in the filter ${node.filter} (equality columns first).`,
            effort: 'low',
          },
      ...(suggestion ? { index: suggestion } : {}),
      evidence: [
        { label: 'rows removed by filter', value: Math.round(removed) },
        { label: 'rows kept', value: Math.round(kept) },
        { label: 'removed share', value: Number((share * 100).toFixed(2)), unit: '%' },
        { label: 'scan self time', value: Number(selfMs.toFixed(3)), unit: 'ms' },
      ],
    });
  },
};

/**
 * Estimate-only plans (generic plans of normalised statements, MySQL EXPLAIN without ANALYZE):
 * compare the estimated output with the table size. MySQL's `filtered` is 100 when the column has
 * no statistics, so a full scan with a filter over a large table is reported as a candidate.
 */
function checkEstimated(context: Parameters<PlanRule['check']>[0]) {
  const { node } = context;
  const size = node.relationRows;
  if (size === undefined || size < MIN_ROWS_REMOVED || node.nodeType.includes('Index')) return null;
  const kept = node.estimatedRows ?? size;
  const share = 1 - kept / Math.max(1, size);
  const unknownSelectivity =
    node.mysql?.accessType === 'ALL' && (node.mysql.filteredPct ?? 100) >= 100;
  if (share <= REMOVED_SHARE_MEDIUM && !unknownSelectivity) return null;
  const suggestion = suggestIndex(node, context.plan);
  const table = tableOf(context.plan, node) ?? 'the table';
  return createPlanFinding({
    rule: missingIndexRule,
    context,
    severity: 'medium',
    timeSavedMs: 0,
    impact: `estimated: ${fmt(size)} rows scanned in ${table} to keep ${unknownSelectivity ? 'an unknown share' : fmt(kept)}`,
    rootCause: `${node.label} reads the whole table and filters with ${node.filter}; no index serves the filter (plan estimates, the statement was not run).`,
    recommendation: suggestion
      ? {
          text: `Create an index on ${table} (${suggestion.columns.join(', ')}), then confirm with db explain on real parameter values.`,
          sql: suggestion.createSql,
          effort: 'low',
        }
      : { text: `Index the column(s) compared in ${node.filter}.`, effort: 'low' },
    ...(suggestion ? { index: suggestion } : {}),
    evidence: [
      { label: 'table rows (estimated)', value: Math.round(size) },
      { label: 'rows kept (estimated)', value: unknownSelectivity ? 'unknown' : Math.round(kept) },
    ],
  });
}

function fmt(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}
