/** Parses PostgreSQL `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)` output into engine-neutral plan nodes. */
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import { isRecord } from '../../util/is-record.js';
import { computeExclusiveTimes } from '../plan/exclusive.js';
import type { ExplainedPlan, PlanBuffers, PlanNode } from '../plan/plan-node.js';

type Json = Record<string, unknown>;

/**
 * Accepts what PostgreSQL returns for FORMAT JSON (an array with one object holding `Plan`), the
 * object itself, or its text. Throws a `RedlineError` (`DB_PLAN_FORMAT`) for anything else.
 */
export function parsePostgresPlan(input: unknown, sql?: string): ExplainedPlan {
  let value = typeof input === 'string' ? parseJsonText(input) : input;
  if (Array.isArray(value)) value = value[0];
  if (!isRecord(value) || !isRecord(value['Plan'])) {
    throw new RedlineError('DB_PLAN_FORMAT', 'not a PostgreSQL JSON plan: no "Plan" object found', {
      exitCode: ExitCode.DataError,
      hint: 'save the output of EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) <query>',
    });
  }
  const counter = { next: 0 };
  const root = parseNode(value['Plan'] as Json, counter);
  const analyzed = root.actualTotalMs !== undefined || root.neverExecuted;
  if (analyzed) computeExclusiveTimes(root);
  const plan: ExplainedPlan = { engine: 'postgres', analyzed, root };
  const planning = num(value['Planning Time']);
  const execution = num(value['Execution Time']);
  if (planning !== undefined) plan.planningMs = planning;
  if (execution !== undefined) plan.executionMs = execution;
  const jit = value['JIT'];
  if (isRecord(jit)) {
    const timing = isRecord(jit['Timing']) ? jit['Timing'] : {};
    const total = isRecord(timing['Total']) ? num(timing['Total']['Total']) : num(timing['Total']);
    plan.jit = { functions: num(jit['Functions']) ?? 0, totalMs: total ?? 0 };
  }
  const triggers = value['Triggers'];
  if (Array.isArray(triggers)) {
    plan.triggerMs = triggers.reduce(
      (acc: number, t) => acc + (isRecord(t) ? (num(t['Time']) ?? 0) : 0),
      0,
    );
  }
  if (sql !== undefined) plan.sql = sql;
  return plan;
}

function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new RedlineError('DB_PLAN_FORMAT', 'the plan is not valid JSON', {
      exitCode: ExitCode.DataError,
      cause,
      hint: 'use FORMAT JSON when saving a PostgreSQL plan',
    });
  }
}

function parseNode(raw: Json, counter: { next: number }): PlanNode {
  const node: PlanNode = {
    id: counter.next++,
    nodeType: str(raw['Node Type']) ?? 'Unknown',
    label: '',
    neverExecuted: num(raw['Actual Loops']) === 0,
    children: [],
  };
  assignText(node, raw);
  assignNumbers(node, raw);
  const buffers = parseBuffers(raw);
  if (buffers) node.buffers = buffers;
  node.label = labelOf(node, raw);
  const plans = raw['Plans'];
  if (Array.isArray(plans))
    for (const child of plans) if (isRecord(child)) node.children.push(parseNode(child, counter));
  return node;
}

function assignText(node: PlanNode, raw: Json): void {
  const fields: Array<[keyof PlanNode, string]> = [
    ['relation', 'Relation Name'],
    ['schema', 'Schema'],
    ['alias', 'Alias'],
    ['indexName', 'Index Name'],
    ['parentRelationship', 'Parent Relationship'],
    ['subplanName', 'Subplan Name'],
    ['cteName', 'CTE Name'],
    ['filter', 'Filter'],
    ['indexCond', 'Index Cond'],
    ['joinFilter', 'Join Filter'],
    ['hashCond', 'Hash Cond'],
    ['oneTimeFilter', 'One-Time Filter'],
    ['sortMethod', 'Sort Method'],
    ['sortSpaceType', 'Sort Space Type'],
  ];
  const target = node as unknown as Record<string, unknown>;
  for (const [key, field] of fields) {
    const value = str(raw[field]);
    if (value !== undefined) target[key] = value;
  }
  if (node.indexCond === undefined && str(raw['Recheck Cond']))
    node.indexCond = str(raw['Recheck Cond']);
  const params = raw['Params Evaluated'];
  if (Array.isArray(params)) node.paramsEvaluated = params.map(String);
  // FORMAT JSON prints "Seq Scan" + "Parallel Aware": true where the text format says
  // "Parallel Seq Scan"; likewise "Partial Mode" for partial/finalize aggregates.
  if (raw['Parallel Aware'] === true && !node.nodeType.startsWith('Parallel '))
    node.nodeType = `Parallel ${node.nodeType}`;
  const partial = str(raw['Partial Mode']);
  if (partial && partial !== 'Simple') node.nodeType = `${partial} ${node.nodeType}`;
  const sortKey = raw['Sort Key'];
  if (Array.isArray(sortKey)) node.sortKey = sortKey.map(String);
}

function assignNumbers(node: PlanNode, raw: Json): void {
  const loops = num(raw['Actual Loops']);
  const perLoop = (field: string): number | undefined => {
    const value = num(raw[field]);
    return value === undefined ? undefined : value * (loops ?? 1);
  };
  const fields: Array<[keyof PlanNode, number | undefined]> = [
    ['estimatedRows', num(raw['Plan Rows'])],
    ['actualRows', num(raw['Actual Rows'])],
    ['loops', loops],
    ['totalCost', num(raw['Total Cost'])],
    ['actualTotalMs', loops === 0 ? undefined : num(raw['Actual Total Time'])],
    // PostgreSQL prints removed-row counts per loop: fold them into totals (PEV2 does the same).
    ['rowsRemovedByFilter', perLoop('Rows Removed by Filter')],
    ['rowsRemovedByJoinFilter', perLoop('Rows Removed by Join Filter')],
    ['rowsRemovedByIndexRecheck', perLoop('Rows Removed by Index Recheck')],
    ['sortSpaceKb', num(raw['Sort Space Used'])],
    ['hashBatches', num(raw['Hash Batches']) ?? num(raw['HashAgg Batches'])],
    ['originalHashBatches', num(raw['Original Hash Batches'])],
    ['peakMemoryKb', num(raw['Peak Memory Usage'])],
    ['diskUsageKb', num(raw['Disk Usage'])],
    ['heapFetches', perLoop('Heap Fetches')],
    ['lossyHeapBlocks', num(raw['Lossy Heap Blocks'])],
    ['exactHeapBlocks', num(raw['Exact Heap Blocks'])],
    ['workersPlanned', num(raw['Workers Planned'])],
    ['workersLaunched', num(raw['Workers Launched'])],
  ];
  const target = node as unknown as Record<string, unknown>;
  for (const [key, value] of fields) if (value !== undefined) target[key] = value;
}

function parseBuffers(raw: Json): PlanBuffers | undefined {
  if (raw['Shared Hit Blocks'] === undefined && raw['Temp Written Blocks'] === undefined)
    return undefined;
  const buffers: PlanBuffers = {
    sharedHit: num(raw['Shared Hit Blocks']) ?? 0,
    sharedRead: num(raw['Shared Read Blocks']) ?? 0,
    sharedDirtied: num(raw['Shared Dirtied Blocks']) ?? 0,
    sharedWritten: num(raw['Shared Written Blocks']) ?? 0,
    tempRead: num(raw['Temp Read Blocks']) ?? 0,
    tempWritten: num(raw['Temp Written Blocks']) ?? 0,
  };
  const io = num(raw['I/O Read Time']) ?? num(raw['Shared I/O Read Time']);
  if (io !== undefined) buffers.ioReadMs = io;
  return buffers;
}

function labelOf(node: PlanNode, raw: Json): string {
  let label = node.nodeType;
  const join = str(raw['Join Type']);
  if (join && node.nodeType !== 'Hash') label = `${node.nodeType} (${join})`;
  if (node.indexName) label += ` using ${node.indexName}`;
  if (node.relation)
    label += ` on ${node.schema && node.schema !== 'public' ? `${node.schema}.` : ''}${node.relation}`;
  else if (node.cteName) label += ` on ${node.cteName}`;
  if (node.alias && node.alias !== node.relation && node.alias !== node.cteName)
    label += ` ${node.alias}`;
  if (node.subplanName) label = `${node.subplanName}: ${label}`;
  return label;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
