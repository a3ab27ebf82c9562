/** Parses MySQL 8 `EXPLAIN ANALYZE` / `EXPLAIN FORMAT=TREE` iterator trees into plan nodes. */
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import { computeExclusiveTimes } from '../plan/exclusive.js';
import type { ExplainedPlan, PlanNode } from '../plan/plan-node.js';

const LINE =
  /^(\s*)-> (.*?)(?:\s+\(cost=([\d.e+]+)(?:\.\.([\d.e+]+))? rows=([\d.e+]+)\))?(?:\s+\(actual time=([\d.e+]+)\.\.([\d.e+]+) rows=([\d.e+]+) loops=(\d+)\))?(?:\s+\(never executed\))?\s*$/;

/**
 * Parses MySQL's tree output: each line `-> <operation>  (cost=C rows=R) (actual time=F..L rows=N
 * loops=K)`, children indented by 4 more spaces. Actual times are per loop and inclusive, as in
 * PostgreSQL, so exclusive times are computed the same way. A `Filter` directly above a table scan
 * lends the scan its condition and removed-row count (what the index rules look at).
 */
export function parseMysqlTree(text: string, sql?: string): ExplainedPlan {
  const counter = { next: 0 };
  const stack: Array<{ indent: number; node: PlanNode }> = [];
  let root: PlanNode | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const match = LINE.exec(line);
    if (!match) continue;
    const node = createNode(match, counter);
    const indent = (match[1] ?? '').length;
    while (stack.length > 0 && (stack[stack.length - 1] as { indent: number }).indent >= indent)
      stack.pop();
    const parent = stack[stack.length - 1];
    if (parent) parent.node.children.push(node);
    else if (!root) root = node;
    stack.push({ indent, node });
  }
  if (!root) {
    throw new RedlineError('DB_PLAN_FORMAT', 'not a MySQL tree plan: no "-> ..." lines found', {
      exitCode: ExitCode.DataError,
      hint: 'save the output of EXPLAIN ANALYZE <query> (MySQL 8.0.18 or newer)',
    });
  }
  lendFilters(root);
  const analyzed = root.actualTotalMs !== undefined;
  if (analyzed) computeExclusiveTimes(root);
  const plan: ExplainedPlan = { engine: 'mysql', analyzed, root };
  if (analyzed && root.totalMs !== undefined) plan.executionMs = root.totalMs;
  if (sql !== undefined) plan.sql = sql;
  return plan;
}

function createNode(match: RegExpExecArray, counter: { next: number }): PlanNode {
  const text = (match[2] ?? '').trim();
  const node: PlanNode = {
    id: counter.next++,
    nodeType: text,
    label: text,
    neverExecuted: /\(never executed\)\s*$/.test(match[0]),
    children: [],
  };
  if (match[4] !== undefined) node.totalCost = Number(match[4]);
  else if (match[3] !== undefined) node.totalCost = Number(match[3]);
  if (match[5] !== undefined) node.estimatedRows = Number(match[5]);
  if (match[7] !== undefined) {
    node.actualTotalMs = Number(match[7]);
    node.actualRows = Number(match[8]);
    node.loops = Number(match[9]);
  }
  classify(node, text);
  return node;
}

function classify(node: PlanNode, text: string): void {
  let m = /^Table scan on (\S+)/.exec(text);
  if (m?.[1]) {
    node.nodeType = 'Table scan';
    node.relation = m[1];
    node.mysql = { accessType: 'ALL' };
    return;
  }
  m =
    /^(?:Index (?:lookup|range scan|scan)|Single-row index lookup|Covering index (?:lookup|range scan|scan)) on (\S+) using (\S+)/.exec(
      text,
    );
  if (m?.[1]) {
    node.nodeType = text.split(' on ')[0] as string;
    node.relation = m[1];
    node.indexName = m[2] as string;
    node.mysql = {
      accessType: /scan$/.test(node.nodeType) && !/range/.test(node.nodeType) ? 'index' : 'ref',
      key: m[2] as string,
    };
    return;
  }
  m = /^Filter: (.*)$/.exec(text);
  if (m?.[1]) {
    node.nodeType = 'Filter';
    node.filter = m[1];
    return;
  }
  m = /^Sort(?: row IDs)?: (.*)$/.exec(text);
  if (m?.[1]) {
    node.nodeType = 'Sort';
    node.sortKey = m[1].split(/,\s*/);
    node.extra = ['Using filesort'];
    return;
  }
  if (/temporary table/i.test(text)) node.extra = ['Using temporary'];
  if (/^Nested loop/.test(text)) node.nodeType = text.replace(/\s*\(.*$/, '');
  if (/hash join/.test(text)) node.nodeType = text.replace(/\s*\(.*$/, '');
}

/** `Filter -> Table scan`: the scan examined `scan.rows`, the filter kept `filter.rows`. */
function lendFilters(node: PlanNode): void {
  for (const child of node.children) lendFilters(child);
  const only = node.children.length === 1 ? node.children[0] : undefined;
  if (node.nodeType !== 'Filter' || !only || only.filter !== undefined) return;
  if (only.nodeType !== 'Table scan' && !only.nodeType.startsWith('Index')) return;
  only.filter = node.filter;
  if (only.actualRows !== undefined && node.actualRows !== undefined) {
    const examined = only.actualRows * (only.loops ?? 1);
    const kept = node.actualRows * (node.loops ?? 1);
    only.rowsRemovedByFilter = Math.max(0, examined - kept);
    if (only.mysql) only.mysql.rowsExamined = only.actualRows;
    if (only.mysql && only.estimatedRows !== undefined)
      only.mysql.estimatedRowsExamined = only.estimatedRows;
    // Like PostgreSQL's scans, the scan now reports the rows it kept (and the filter's estimate).
    only.actualRows = kept / (only.loops ?? 1);
    if (node.estimatedRows !== undefined) only.estimatedRows = node.estimatedRows;
  }
}
