/**
 * Rule: a top-N query (`ORDER BY col DESC LIMIT n`) that reads a whole large table to sort it on
 * every execution → an index on the sort key (after the filter's equality columns) lets it read
 * the first n rows in order and stop. Over a join too (issue 14: the biggest win of a Koa + knex
 * app), when every sort key is a column of one large table on the join's preserved side: with
 * the index PostgreSQL walks that table in order through a nested loop and stops after n rows.
 */
import type { Evidence, Severity } from '../../findings/finding.js';
import { parseIndexableColumns } from '../advice/conditions.js';
import { buildSuggestion, type IndexSuggestion, resolveTableRefs } from '../advice/index-advice.js';
import type { PlanNode } from '../plan/plan-node.js';
import { createPlanFinding, ms, type PlanRule } from './plan-rule.js';

/** Rows the scan must read (over all loops) before sorting them for a few is worth an index. */
export const TOP_N_MIN_ROWS_READ = 10_000;
/** At most this many rows asked for by the LIMIT (a page, not an export). */
export const TOP_N_MAX_LIMIT = 1000;
/** The scan + sort must take at least this long (ms): below it the top-N is cheap enough. */
export const TOP_N_MIN_MS = 1;
/** Share of the statement from which the finding is high (the sort is nearly all of it). */
export const TOP_N_HIGH_SHARE = 0.9;

const SCAN = /^(?:Parallel )?Seq Scan$/;
const KEY = /^(?:(?:"[^"]+"|[A-Za-z_][\w$]*)\.)?("[^"]+"|[A-Za-z_][\w$]*)(\s+DESC)?$/i;

/** The sort key's plain columns, when they all sort in one direction without NULLS clauses. */
export function plainSortColumns(keys: readonly string[]): string[] | undefined {
  const columns: string[] = [];
  let direction: boolean | undefined;
  for (const key of keys) {
    const m = KEY.exec(key.trim());
    if (!m?.[1]) return undefined;
    const desc = Boolean(m[2]);
    if (direction !== undefined && direction !== desc) return undefined;
    direction = desc;
    columns.push(m[1].startsWith('"') ? m[1].slice(1, -1).replace(/""/g, '"') : m[1]);
  }
  return columns.length > 0 ? columns : undefined;
}

function only(node: PlanNode | undefined): PlanNode | undefined {
  return node?.children.length === 1 ? node.children[0] : undefined;
}

const JOIN = /^(?:Parallel )?(?:Hash Join|Merge Join|Nested Loop)$/;
/** Nodes between a join and its scan that keep the scan's rows as they are. */
const PASS_THROUGH = /^(?:(?:Parallel )?Hash|Memoize|Materialize|Gather)$/;

/** The table (alias or name) every sort key names, when they all name the same one. */
export function sortKeyQualifier(keys: readonly string[]): string | undefined {
  let qualifier: string | undefined;
  for (const key of keys) {
    const m = /^("[^"]+"|[A-Za-z_][\w$]*)\./.exec(key.trim());
    if (!m?.[1]) return undefined;
    const q = m[1].startsWith('"') ? m[1].slice(1, -1).replace(/""/g, '"') : m[1];
    if (qualifier !== undefined && qualifier !== q) return undefined;
    qualifier = q;
  }
  return qualifier;
}

/**
 * The sequential scan of `qualifier` below a join, on a side whose rows all reach the result in
 * the scan's order (any side of an inner join, the outer side of a left join); undefined otherwise.
 */
function drivingScan(join: PlanNode, qualifier: string): PlanNode | undefined {
  const type = /\((\w+)\)/.exec(join.label)?.[1] ?? 'Inner';
  const sides = type === 'Inner' ? join.children : type === 'Left' ? join.children.slice(0, 1) : [];
  for (const side of sides) {
    let node: PlanNode | undefined = side;
    while (node && PASS_THROUGH.test(node.nodeType)) node = only(node);
    if (!node) continue;
    if (JOIN.test(node.nodeType)) {
      const found = drivingScan(node, qualifier);
      if (found) return found;
    } else if (SCAN.test(node.nodeType) && (node.alias ?? node.relation) === qualifier) {
      return node;
    }
  }
  return undefined;
}

/** The scan a top-N sort reads: directly under it, or the sorted table's scan below a join. */
function sortedScan(sort: PlanNode): { scan: PlanNode; joined: boolean } | undefined {
  const child = only(sort);
  if (!child) return undefined;
  if (SCAN.test(child.nodeType)) return { scan: child, joined: false };
  if (!JOIN.test(child.nodeType) || !sort.sortKey) return undefined;
  const qualifier = sortKeyQualifier(sort.sortKey);
  const scan = qualifier ? drivingScan(child, qualifier) : undefined;
  return scan ? { scan, joined: true } : undefined;
}

/** `db.top-n-sort`: Limit → (Gather Merge →) Sort → Seq Scan of a large table. */
export const topNSortRule: PlanRule = {
  id: 'db.top-n-sort',
  title:
    'A top-N query sorts a whole table on every execution: an index on the sort key is missing',
  scope: 'node',
  engines: ['postgres'],
  needsActuals: true,
  check(context) {
    const { node: limit } = context;
    if (limit.nodeType !== 'Limit') return null;
    // Under a Gather Merge the workers sort in parallel and the leader merges their outputs:
    // the merge is part of the top-N's work, and a worker's Sort shows one loop's time only.
    const top = only(limit);
    const sort = top?.nodeType === 'Gather Merge' ? only(top) : top;
    if (sort?.nodeType !== 'Sort' || !sort.sortKey) return null;
    const found = sortedScan(sort);
    const scan = found?.scan;
    if (!found || !scan?.relation) return null;
    const wanted = limit.actualRows ?? limit.estimatedRows ?? 0;
    const read = (scan.actualRows ?? 0) * (scan.loops ?? 1) + (scan.rowsRemovedByFilter ?? 0);
    const spentMs = top?.totalMs ?? sort.totalMs ?? 0;
    if (wanted > TOP_N_MAX_LIMIT || read < TOP_N_MIN_ROWS_READ || spentMs < TOP_N_MIN_MS)
      return null;
    const sortColumns = plainSortColumns(sort.sortKey);
    if (!sortColumns) return null;
    const index = indexForOrder(
      'postgres',
      scan,
      sortColumns,
      scan.schema ?? schemaFromSql(context.plan.sql, scan.relation),
    );
    if (!index) return null;
    const share = context.totalMs > 0 ? Math.min(1, spentMs / context.totalMs) : 1;
    const severity: Severity = share >= TOP_N_HIGH_SHARE && spentMs >= 100 ? 'high' : 'medium';
    return createPlanFinding({
      rule: topNSortRule,
      context,
      severity,
      timeSavedMs: spentMs * 0.9,
      title: `Top-${wanted} of ${scan.relation}${found.joined ? ' (joined)' : ''} sorted from ${fmt(read)} rows on every execution`,
      impact: `${ms(spentMs)} reading and sorting ${fmt(read)} rows to return ${fmt(wanted)}`,
      rootCause: found.joined
        ? `${sort.label} (${sort.sortKey.join(', ')}) sorts the whole join to keep the first ${fmt(wanted)}: ${scan.label} is read in full because no index returns its rows in that order; with one, the join can walk it in order and stop.`
        : `${sort.label} (${sort.sortKey.join(', ')}) over ${scan.label} reads the whole table and sorts it to keep the first ${fmt(wanted)}: no index returns the rows in that order.`,
      recommendation: {
        text: `Create an index on ${scan.relation} (${index.columns.join(', ')}): the query then reads the first ${fmt(wanted)} rows in index order and stops (an index is read backwards for DESC). Check it with --verify-index.`,
        sql: index.createSql,
        effort: 'low',
      },
      index,
      evidence: [
        ...topNEvidence(read, wanted, spentMs),
        { label: 'sort method', value: sort.sortMethod ?? 'unknown' },
      ],
    });
  },
};

/**
 * The index that returns the scan's rows in the sort order: the filter's equality columns, then
 * the sort columns. A filter can lead the index only with equality columns; with anything else
 * the advice would not serve the order, so there is none (undefined).
 */
function indexForOrder(
  engine: 'postgres',
  scan: PlanNode,
  sortColumns: string[],
  schema: string | undefined,
): IndexSuggestion | undefined {
  const filter = scan.filter ? parseIndexableColumns(scan.filter) : undefined;
  if (scan.filter && (!filter || filter.range.length > 0)) return undefined;
  const equality = (filter?.equality ?? []).filter((c) => !sortColumns.includes(c));
  return buildSuggestion(engine, scan.relation ?? '?', schema, [...equality, ...sortColumns]);
}

/** The schema the statement names for the table, when it qualifies it (EXPLAIN omits it). */
function schemaFromSql(sql: string | undefined, table: string): string | undefined {
  const ref = sql ? resolveTableRefs(sql).get(table.toLowerCase()) : undefined;
  return ref?.table === table ? ref.schema : undefined;
}

function topNEvidence(read: number, wanted: number, spentMs: number): Evidence[] {
  return [
    { label: 'rows read', value: Math.round(read) },
    { label: 'rows returned', value: Math.round(wanted) },
    { label: 'scan + sort time', value: Number(spentMs.toFixed(3)), unit: 'ms' },
  ];
}

function fmt(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}
