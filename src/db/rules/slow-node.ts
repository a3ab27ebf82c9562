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

/**
 * A node whose work is proportional to its own rows (a table scan, a cache or buffer of its
 * input: Memoize, Materialize, Sort, Hash, Limit) that handled fewer rows than this (rows out +
 * rows removed, over all loops) is not called out, whatever its time: a few hundred rows are
 * microseconds of work, so milliseconds measured there are the machine's (the process waiting
 * for a CPU, a cold page), not the plan's, and no change to the query helps. The
 * `redline demo --fixed` audit at load ~20 reported "Seq Scan on categories takes 100% of the
 * statement" (30 rows), "Index Scan using users_pkey … takes 99%" (20 rows over 20 loops,
 * 37.6 ms) and "Memoize takes 97%" above those lookups: each the right plan. Same floor as
 * db.missing-index's MIN_ROWS_REMOVED (tiny tables are fine to scan). Joins and aggregates are not
 * judged by their output (few rows out of large inputs is real work), nor nodes that run code
 * (Function Scan, ProjectSet, Result), and a node that touched many pages for its few rows (a
 * bloated table: {@link SLOW_NODE_MIN_SCAN_PAGES}) is still reported.
 */
export const SLOW_NODE_MIN_SCAN_ROWS = 1000;
/** Buffers (8 kB pages) from which a node of few rows did real work (bloat, a wide index range). */
export const SLOW_NODE_MIN_SCAN_PAGES = 1000;

/** Nodes whose work follows their own row count (besides table scans). */
const ROW_BOUND_NODES = new Set<string>([
  'Memoize',
  'Materialize',
  'Sort',
  'Incremental Sort',
  'Hash',
  'Limit',
]);
/** Table scans (PostgreSQL) and MySQL/MariaDB table accesses; not function or foreign scans. */
const TABLE_SCAN =
  /^(?:Parallel )?(?:Seq|Index|Index Only|Bitmap Heap|Bitmap Index|Tid|Tid Range|Sample) Scan$|^table$/;

const ORDER = ['info', 'low', 'medium', 'high'] as const;

/**
 * True when `node` is a table scan or a row-bound node that handled few rows and touched few
 * pages: its time is not its work (see {@link SLOW_NODE_MIN_SCAN_ROWS}).
 */
export function isSmallScan(node: Parameters<PlanRule['check']>[0]['node']): boolean {
  if (!TABLE_SCAN.test(node.nodeType) && !ROW_BOUND_NODES.has(node.nodeType)) return false;
  const read = (node.actualRows ?? 0) * (node.loops ?? 1) + (node.rowsRemovedByFilter ?? 0);
  const pages = node.buffers
    ? node.buffers.sharedHit + node.buffers.sharedRead + node.buffers.tempRead
    : 0;
  return read < SLOW_NODE_MIN_SCAN_ROWS && pages < SLOW_NODE_MIN_SCAN_PAGES;
}

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
    if (share <= SLOW_NODE_SHARE || selfMs < SLOW_NODE_MIN_MS || isSmallScan(node)) return null;
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
