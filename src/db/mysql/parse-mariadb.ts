/** Parses MariaDB `ANALYZE FORMAT=JSON` (and `EXPLAIN FORMAT=JSON`) output into plan nodes. */
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import { isRecord } from '../../util/is-record.js';
import type { ExplainedPlan, PlanNode } from '../plan/plan-node.js';

type Json = Record<string, unknown>;

/** Keys that become plan nodes; every other object or array is walked through transparently. */
const NODE_KEYS = new Set([
  'query_block',
  'table',
  'block-nl-join',
  'filesort',
  'temporary_table',
  'materialized',
  'union_result',
  'duplicates_removal',
  'window_functions_computation',
]);

/**
 * Parses MariaDB's JSON plan (text or object). With `r_*` members (ANALYZE) the plan carries
 * actual rows and times; `selfMs` is MariaDB's own per-table time (r_table_time_ms +
 * r_other_time_ms), so no subtraction guesswork is needed.
 */
export function parseMariaDbPlan(input: unknown, sql?: string): ExplainedPlan {
  let value = input;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(repairMariaDbEscapes(value));
    } catch (cause) {
      throw formatError(cause);
    }
  }
  if (!isRecord(value) || !isRecord(value['query_block'])) throw formatError();
  const counter = { next: 0 };
  const root = buildNode('query_block', value['query_block'], counter);
  const analyzed = num(value['query_block']['r_total_time_ms']) !== undefined || hasActuals(root);
  fillTotals(root);
  const plan: ExplainedPlan = { engine: 'mariadb', analyzed, root };
  const optimization = value['query_optimization'];
  if (isRecord(optimization) && num(optimization['r_total_time_ms']) !== undefined) {
    plan.planningMs = num(optimization['r_total_time_ms']);
  }
  if (root.totalMs !== undefined && analyzed) plan.executionMs = root.totalMs;
  if (sql !== undefined) plan.sql = sql;
  return plan;
}

/**
 * MariaDB prints a quote inside a string literal of a condition as `\'`, which JSON does not
 * allow: drop the backslash of every escape JSON does not know (pairs are read left to right, so
 * an escaped backslash before a quote stays what it is).
 */
export function repairMariaDbEscapes(text: string): string {
  return text.replace(/\\(["\\/bfnrtu])|\\(.)/gs, (match, valid, other) =>
    valid !== undefined ? match : other,
  );
}

function formatError(cause?: unknown): RedlineError {
  return new RedlineError(
    'DB_PLAN_FORMAT',
    'not a MariaDB/MySQL JSON plan: no "query_block" found',
    {
      exitCode: ExitCode.DataError,
      cause,
      hint: 'save the output of ANALYZE FORMAT=JSON <query> (MariaDB) or EXPLAIN FORMAT=JSON <query>',
    },
  );
}

function buildNode(key: string, raw: Json, counter: { next: number }): PlanNode {
  const node: PlanNode = {
    id: counter.next++,
    nodeType: key,
    label: key,
    neverExecuted: false,
    children: [],
  };
  if (key === 'table') fillTable(node, raw);
  else fillOperation(node, key, raw);
  collectChildren(raw, node, counter, key === 'table');
  return node;
}

function collectChildren(
  raw: unknown,
  node: PlanNode,
  counter: { next: number },
  skipSelf: boolean,
): void {
  if (Array.isArray(raw)) {
    for (const item of raw) collectChildren(item, node, counter, false);
    return;
  }
  if (!isRecord(raw)) return;
  for (const [key, value] of Object.entries(raw)) {
    if (NODE_KEYS.has(key) && isRecord(value)) {
      if (skipSelf && key === 'table') continue;
      node.children.push(buildNode(key, value, counter));
    } else if (
      typeof value === 'object' &&
      value !== null &&
      key !== 'r_engine_stats' &&
      key !== 'cost_info'
    ) {
      collectChildren(value, node, counter, false);
    }
  }
}

function fillTable(node: PlanNode, raw: Json): void {
  const name = str(raw['table_name']) ?? '?';
  const access = str(raw['access_type']);
  node.nodeType = 'table';
  node.relation = name;
  const loops = num(raw['r_loops']);
  const examined = num(raw['r_rows']);
  const filtered = num(raw['r_filtered']);
  const estimated = num(raw['rows']);
  const estFiltered = num(raw['filtered']) ?? 100;
  if (estimated !== undefined) node.estimatedRows = (estimated * estFiltered) / 100;
  if (loops !== undefined) node.loops = loops;
  node.neverExecuted = loops === 0;
  if (examined !== undefined) {
    node.actualRows = (examined * (filtered ?? 100)) / 100;
    node.rowsRemovedByFilter = examined * (loops ?? 1) * (1 - (filtered ?? 100) / 100);
  }
  const self = (num(raw['r_table_time_ms']) ?? 0) + (num(raw['r_other_time_ms']) ?? 0);
  if (raw['r_table_time_ms'] !== undefined || raw['r_other_time_ms'] !== undefined)
    node.selfMs = self;
  const condition = str(raw['attached_condition']);
  if (condition) node.filter = condition;
  const key = str(raw['key']);
  if (key) node.indexName = key;
  const possible = raw['possible_keys'];
  node.mysql = {
    ...(access ? { accessType: access } : {}),
    ...(Array.isArray(possible) ? { possibleKeys: possible.map(String) } : {}),
    ...(key ? { key } : {}),
    ...((examined ?? estimated) !== undefined
      ? { rowsExamined: (examined ?? estimated) as number }
      : {}),
    ...(estimated !== undefined ? { estimatedRowsExamined: estimated } : {}),
    ...((filtered ?? num(raw['filtered'])) !== undefined
      ? { filteredPct: (filtered ?? num(raw['filtered'])) as number }
      : {}),
  };
  if (estimated !== undefined) node.relationRows = estimated;
  const extra: string[] = [];
  if (raw['using_index'] === true) extra.push('Using index');
  if (raw['using_index_condition'] === true) extra.push('Using index condition');
  if (extra.length > 0) node.extra = extra;
  node.label = `${access ?? 'table'} on ${name}${key ? ` using ${key}` : ''}`;
}

function fillOperation(node: PlanNode, key: string, raw: Json): void {
  const loops = num(raw['r_loops']);
  if (loops !== undefined) node.loops = loops;
  if (key === 'query_block') {
    node.label = `query block #${num(raw['select_id']) ?? 1}`;
    const total = num(raw['r_total_time_ms']);
    if (total !== undefined) node.totalMs = total;
    return;
  }
  if (key === 'block-nl-join') {
    node.nodeType = 'block-nl-join';
    const join = str(raw['join_type']) ?? 'BNL';
    node.mysql = { joinBuffer: join };
    node.label = `block nested loop join (${join}, join buffer ${str(raw['buffer_size']) ?? '?'})`;
    const condition = str(raw['attached_condition']);
    if (condition) node.joinFilter = condition;
    const self = (num(raw['r_unpack_time_ms']) ?? 0) + (num(raw['r_other_time_ms']) ?? 0);
    if (raw['r_unpack_time_ms'] !== undefined || raw['r_other_time_ms'] !== undefined)
      node.selfMs = self;
    return;
  }
  if (key === 'filesort') {
    node.label = `filesort${str(raw['sort_key']) ? ` by ${str(raw['sort_key'])}` : ''}`;
    const sortKey = str(raw['sort_key']);
    if (sortKey) node.sortKey = [sortKey];
    const total = num(raw['r_total_time_ms']);
    if (total !== undefined) node.selfMs = total;
    const rows = num(raw['r_output_rows']);
    if (rows !== undefined) node.actualRows = rows;
    const limit = num(raw['r_limit']);
    if (limit !== undefined) node.mysql = { ...node.mysql, sortLimit: limit };
    const passes = num(raw['r_sort_passes']);
    if (passes !== undefined) node.mysql = { ...node.mysql, sortPasses: passes };
    return;
  }
  if (key === 'temporary_table') node.label = 'temporary table';
  else node.label = key.replace(/_/g, ' ');
}

/** Inclusive time = own time + children (MariaDB prints exclusive per-table times). */
function fillTotals(node: PlanNode): number | undefined {
  let childSum = 0;
  let anyChild = false;
  for (const child of node.children) {
    const total = fillTotals(child);
    if (total !== undefined) {
      childSum += total;
      anyChild = true;
    }
  }
  if (node.nodeType === 'query_block' && node.totalMs !== undefined) {
    node.selfMs = Math.max(0, node.totalMs - childSum);
    return node.totalMs;
  }
  if (node.selfMs === undefined && !anyChild) return undefined;
  node.selfMs = node.selfMs ?? 0;
  node.totalMs = node.selfMs + childSum;
  return node.totalMs;
}

function hasActuals(node: PlanNode): boolean {
  return node.selfMs !== undefined || node.children.some(hasActuals);
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
