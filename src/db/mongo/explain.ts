/**
 * MongoDB `explain("executionStats")` output judged rule by rule: collection scans of large
 * collections, documents examined per document returned, blocking (in-memory) sorts and sorts
 * that spilled to disk; each with an index suggestion from the filter and sort (ESR). Reads the
 * classic stage tree (`inputStage(s)`), and the `queryPlan` wrapper of newer servers.
 */
import type { Evidence, Finding } from '../../findings/finding.js';
import { type MongoIndexSuggestion, shapeOf, suggestMongoIndex } from './index-advice.js';

/** Thresholds of the MongoDB rules. */
export const MONGO_THRESHOLDS = {
  /** A collection scan is reported from this many documents examined. */
  collscanDocs: 1000,
  /** Documents examined per document returned from which an index is missing or weak. */
  examinedPerReturned: 100,
  /** ...and at least this many documents examined (tiny collections are cheap either way). */
  examinedMin: 1000,
} as const;

type Doc = Record<string, unknown>;

/** One stage of the plan with its execution counters (when the explain ran them). */
export interface MongoStage {
  stage: string;
  depth: number;
  nReturned?: number;
  docsExamined?: number;
  keysExamined?: number;
  timeMs?: number;
  indexName?: string;
  sortPattern?: Record<string, number>;
  usedDisk?: boolean;
  memBytes?: number;
}

/** What the rules need from an explain document. */
export interface MongoExplain {
  namespace: string;
  collection: string;
  filter: unknown;
  sort?: Record<string, number>;
  stages: MongoStage[];
  nReturned?: number;
  totalDocsExamined?: number;
  totalKeysExamined?: number;
  executionTimeMillis?: number;
  /** False when the explain ran in queryPlanner mode only (no counters). */
  executed: boolean;
}

const num = (value: unknown): number | undefined => {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  if (value && typeof value === 'object') {
    const wrapped =
      (value as Doc)['$numberLong'] ??
      (value as Doc)['$numberInt'] ??
      (value as Doc)['$numberDouble'];
    if (wrapped !== undefined) return Number(wrapped);
  }
  return undefined;
};

function walk(stage: unknown, depth: number, out: MongoStage[]): void {
  if (!stage || typeof stage !== 'object') return;
  const s = stage as Doc;
  // MongoDB 7+: winningPlan: { queryPlan: { stage… }, slotBasedPlan: … }
  if (s['queryPlan'] && !s['stage']) return walk(s['queryPlan'], depth, out);
  if (typeof s['stage'] === 'string') {
    const row: MongoStage = { stage: s['stage'], depth };
    const set = <K extends keyof MongoStage>(key: K, value: MongoStage[K] | undefined) => {
      if (value !== undefined) row[key] = value;
    };
    set('nReturned', num(s['nReturned']));
    set('docsExamined', num(s['docsExamined']));
    set('keysExamined', num(s['keysExamined']));
    set('timeMs', num(s['executionTimeMillisEstimate']));
    if (typeof s['indexName'] === 'string') row.indexName = s['indexName'];
    if (s['sortPattern'] && typeof s['sortPattern'] === 'object')
      row.sortPattern = s['sortPattern'] as Record<string, number>;
    if (typeof s['usedDisk'] === 'boolean') row.usedDisk = s['usedDisk'];
    set('memBytes', num(s['totalDataSizeSorted'] ?? s['memUsage']));
    out.push(row);
  }
  if (s['inputStage']) walk(s['inputStage'], depth + 1, out);
  if (Array.isArray(s['inputStages']))
    for (const child of s['inputStages']) walk(child, depth + 1, out);
  if (s['outerStage']) walk(s['outerStage'], depth + 1, out);
  if (s['innerStage']) walk(s['innerStage'], depth + 1, out);
}

/** True when a JSON document is an explain result. */
export function isMongoExplain(doc: unknown): boolean {
  return !!doc && typeof doc === 'object' && 'queryPlanner' in (doc as Doc);
}

/** Reads an explain document (executionStats, or queryPlanner only). */
export function parseMongoExplain(doc: Doc): MongoExplain {
  const planner = (doc['queryPlanner'] ?? {}) as Doc;
  const namespace = String(planner['namespace'] ?? 'db.collection');
  const command = (doc['command'] ?? {}) as Doc;
  const stats = doc['executionStats'] as Doc | undefined;
  const stages: MongoStage[] = [];
  walk(stats?.['executionStages'] ?? planner['winningPlan'], 0, stages);
  const sortStage = stages.find((s) => s.sortPattern);
  const sort = (command['sort'] as Record<string, number> | undefined) ?? sortStage?.sortPattern;
  const explain: MongoExplain = {
    namespace,
    collection: String(
      command['find'] ?? command['aggregate'] ?? namespace.split('.').slice(1).join('.'),
    ),
    filter: command['filter'] ?? planner['parsedQuery'] ?? {},
    stages,
    executed: stats !== undefined,
  };
  if (sort) explain.sort = sort;
  const set = <K extends keyof MongoExplain>(key: K, value: MongoExplain[K] | undefined) => {
    if (value !== undefined) explain[key] = value;
  };
  set('nReturned', num(stats?.['nReturned']));
  set('totalDocsExamined', num(stats?.['totalDocsExamined']));
  set('totalKeysExamined', num(stats?.['totalKeysExamined']));
  set('executionTimeMillis', num(stats?.['executionTimeMillis']));
  return explain;
}

function suggestionText(s: MongoIndexSuggestion | undefined): string {
  if (!s) return 'Add an index on the fields the query filters on.';
  const parts = [
    s.esr.equality.length ? `equality ${s.esr.equality.join(', ')}` : '',
    s.esr.sort.length ? `sort ${s.esr.sort.join(', ')}` : '',
    s.esr.range.length ? `range ${s.esr.range.join(', ')}` : '',
  ].filter(Boolean);
  return `Create ${s.command} (fields in ESR order: ${parts.join(', then ')}).`;
}

function baseEvidence(e: MongoExplain): Evidence[] {
  const ev: Evidence[] = [];
  if (e.totalDocsExamined !== undefined)
    ev.push({ label: 'documents examined', value: e.totalDocsExamined, source: 'explain' });
  if (e.totalKeysExamined !== undefined)
    ev.push({ label: 'index keys examined', value: e.totalKeysExamined, source: 'explain' });
  if (e.nReturned !== undefined)
    ev.push({ label: 'documents returned', value: e.nReturned, source: 'explain' });
  if (e.executionTimeMillis !== undefined)
    ev.push({
      label: 'execution time',
      value: e.executionTimeMillis,
      unit: 'ms',
      source: 'explain',
    });
  ev.push({
    label: 'plan',
    value: e.stages.map((s) => s.stage + (s.indexName ? `(${s.indexName})` : '')).join(' ← '),
    source: 'explain',
  });
  return ev;
}

/** The findings of one explain result (none for a selective indexed plan). */
export function createMongoExplainFindings(e: MongoExplain): Finding[] {
  const findings: Finding[] = [];
  const suggestion = suggestMongoIndex(e.collection, e.filter, e.sort);
  // The filter's shape, not its values: literal values (emails, ids) never reach a report.
  const location = {
    query: `${e.namespace} ${JSON.stringify(shapeOf(e.filter))}${e.sort ? ` sort ${JSON.stringify(e.sort)}` : ''}`,
  };
  const examined = e.totalDocsExamined ?? 0;
  const returned = e.nReturned ?? 0;
  const ratio = examined / Math.max(1, returned);
  const collscan = e.stages.find((s) => s.stage === 'COLLSCAN');
  const timeMs = e.executionTimeMillis;
  if (collscan && (examined >= MONGO_THRESHOLDS.collscanDocs || !e.executed)) {
    findings.push({
      id: 'mongo.collscan',
      area: 'database',
      title: `Collection scan of ${e.namespace}${e.executed ? `: ${examined} documents read for ${returned} returned` : ''}`,
      severity: !e.executed
        ? 'medium'
        : ratio >= MONGO_THRESHOLDS.examinedPerReturned
          ? 'high'
          : 'medium',
      location,
      impact: {
        description: e.executed
          ? `reads every document (${examined}) to return ${returned}${timeMs !== undefined ? ` in ${timeMs} ms` : ''}; the cost grows with the collection`
          : 'plans a full collection scan (queryPlanner only: run explain("executionStats") for counts)',
        ...(timeMs !== undefined ? { timeMs } : {}),
      },
      rootCause:
        'No index matches the filter, so MongoDB reads the whole collection (COLLSCAN) and filters in memory.',
      recommendation: {
        text: suggestionText(suggestion),
        effort: 'low',
        ...(suggestion ? { sql: suggestion.command } : {}),
      },
      evidence: baseEvidence(e),
    });
  } else if (
    e.executed &&
    examined >= MONGO_THRESHOLDS.examinedMin &&
    ratio >= MONGO_THRESHOLDS.examinedPerReturned
  ) {
    const index = e.stages.find((s) => s.indexName)?.indexName;
    findings.push({
      id: 'mongo.docs-examined',
      area: 'database',
      title: `${Math.round(ratio)} documents examined per document returned on ${e.namespace}`,
      severity: ratio >= 1000 ? 'high' : 'medium',
      location,
      impact: {
        description: `${examined} documents fetched to return ${returned}${index ? ` through index ${index}` : ''}`,
        ...(timeMs !== undefined ? { timeMs } : {}),
      },
      rootCause: `The index used${index ? ` (${index})` : ''} narrows the search too little: most fetched documents are then dropped by the rest of the filter.`,
      recommendation: {
        text: suggestionText(suggestion),
        effort: 'low',
        ...(suggestion ? { sql: suggestion.command } : {}),
      },
      evidence: baseEvidence(e),
    });
  }
  const sortStage = e.stages.find((s) => s.stage === 'SORT' || s.stage === '$sort');
  if (sortStage) {
    const spilled = sortStage.usedDisk === true;
    findings.push({
      id: spilled ? 'mongo.sort-spill' : 'mongo.in-memory-sort',
      area: 'database',
      title: `${spilled ? 'Sort spilled to disk' : 'Blocking in-memory sort'} on ${e.namespace}${sortStage.sortPattern ? ` by ${JSON.stringify(sortStage.sortPattern)}` : ''}`,
      severity: spilled ? 'high' : 'medium',
      location,
      impact: {
        description: `${sortStage.nReturned ?? returned} documents sorted after they were read${sortStage.memBytes !== undefined ? ` (${sortStage.memBytes} bytes)` : ''}${spilled ? ', using temporary files' : ''}: nothing is returned until all are read`,
      },
      rootCause: spilled
        ? 'The sort needed more than the in-memory sort limit (100 MB) and wrote to disk (allowDiskUse).'
        : 'No index provides the requested order, so MongoDB reads every matching document and sorts them in memory (SORT stage) before returning the first.',
      recommendation: {
        text: `${suggestionText(suggestion)} An index that has the sort fields right after the equality fields returns documents already in order.`,
        effort: 'low',
        ...(suggestion ? { sql: suggestion.command } : {}),
      },
      evidence: baseEvidence(e),
    });
  }
  return findings;
}
