/**
 * MongoDB `system.profile` exports (the database profiler's collection, saved with mongoexport as
 * JSON lines or a JSON array, Extended JSON allowed) ranked by total time: operations grouped by
 * namespace, kind and query shape, with documents examined against returned, plan summaries, and
 * blocking sorts; the worst shapes get the same findings as an explain.
 */
import { createHash } from 'node:crypto';
import type { Finding } from '../../findings/finding.js';
import { formatPercent } from '../../util/units.js';
import { MONGO_THRESHOLDS } from './explain.js';
import { shapeOf, suggestMongoIndex } from './index-advice.js';

type Doc = Record<string, unknown>;

/** One query shape of the profile with its counters. */
export interface MongoProfileShape {
  id: string;
  namespace: string;
  op: string;
  /** The filter with every value replaced by 1 (the shape), plus the sort. */
  shape: string;
  count: number;
  totalMs: number;
  meanMs: number;
  maxMs: number;
  share: number;
  docsExamined: number;
  keysExamined: number;
  nreturned: number;
  plans: string[];
  sorts: number;
  spills: number;
  findings: Finding[];
}

/** The ranking of a profile export. */
export interface MongoProfileDigest {
  source: string;
  operations: number;
  totalMs: number;
  shapes: MongoProfileShape[];
}

const num = (value: unknown): number => {
  if (typeof value === 'number') return value;
  if (value && typeof value === 'object') {
    const v = value as Doc;
    return Number(v['$numberLong'] ?? v['$numberInt'] ?? v['$numberDouble'] ?? 0);
  }
  return Number(value ?? 0) || 0;
};

/** Parses one JSON document, a JSON array, or JSON lines (mongoexport's default). */
export function parseMongoDocuments(text: string): Doc[] {
  const trimmed = text.trim();
  try {
    const whole = JSON.parse(trimmed) as Doc | Doc[];
    return Array.isArray(whole) ? whole : [whole];
  } catch {
    // Not one document: JSON lines.
  }
  return trimmed
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Doc);
}

/** True when documents look like system.profile entries. */
export function isMongoProfile(docs: unknown[]): boolean {
  return (
    docs.length > 0 &&
    docs.every((d) => !!d && typeof d === 'object' && 'millis' in (d as Doc) && 'ns' in (d as Doc))
  );
}

/** The filter and sort an entry ran with (find, aggregate $match/$sort, update/delete q). */
function queryOf(entry: Doc): {
  filter: unknown;
  sort?: Record<string, number>;
  collection: string;
} {
  const cmd = (entry['command'] ?? entry['query'] ?? {}) as Doc;
  const ns = String(entry['ns'] ?? '');
  const collection = String(
    cmd['find'] ??
      cmd['aggregate'] ??
      cmd['update'] ??
      cmd['delete'] ??
      cmd['count'] ??
      ns.split('.').slice(1).join('.'),
  );
  if (Array.isArray(cmd['pipeline'])) {
    const match = (cmd['pipeline'] as Doc[]).find((s) => '$match' in s)?.['$match'];
    const sort = (cmd['pipeline'] as Doc[]).find((s) => '$sort' in s)?.['$sort'] as
      | Record<string, number>
      | undefined;
    return { filter: match ?? {}, ...(sort ? { sort } : {}), collection };
  }
  const filter = cmd['filter'] ?? cmd['q'] ?? cmd['query'] ?? {};
  const sort = cmd['sort'] as Record<string, number> | undefined;
  return { filter, ...(sort ? { sort } : {}), collection };
}

/** Groups, ranks and judges a profile export; `limit` shapes are kept. */
export function digestMongoProfile(
  docs: readonly Doc[],
  source: string,
  limit = 10,
): MongoProfileDigest {
  const shapes = new Map<
    string,
    { shape: MongoProfileShape; sample: ReturnType<typeof queryOf> }
  >();
  let totalMs = 0;
  for (const entry of docs) {
    const ns = String(entry['ns'] ?? '');
    if (/\.system\.profile$/.test(ns)) continue;
    const op = String(entry['op'] ?? 'command');
    const q = queryOf(entry);
    const shapeText = `${JSON.stringify(shapeOf(q.filter))}${q.sort ? ` sort ${JSON.stringify(q.sort)}` : ''}`;
    const key = `${ns}|${op}|${shapeText}`;
    let group = shapes.get(key);
    if (!group) {
      group = {
        sample: q,
        shape: {
          id: createHash('sha1').update(key).digest('hex').slice(0, 16),
          namespace: ns,
          op,
          shape: shapeText,
          count: 0,
          totalMs: 0,
          meanMs: 0,
          maxMs: 0,
          share: 0,
          docsExamined: 0,
          keysExamined: 0,
          nreturned: 0,
          plans: [],
          sorts: 0,
          spills: 0,
          findings: [],
        },
      };
      shapes.set(key, group);
    }
    const s = group.shape;
    const millis = num(entry['millis']);
    totalMs += millis;
    s.count += 1;
    s.totalMs += millis;
    s.maxMs = Math.max(s.maxMs, millis);
    s.docsExamined += num(entry['docsExamined']);
    s.keysExamined += num(entry['keysExamined']);
    s.nreturned += num(entry['nreturned'] ?? entry['nReturned']);
    const plan = typeof entry['planSummary'] === 'string' ? entry['planSummary'] : undefined;
    if (plan && !s.plans.includes(plan)) s.plans.push(plan);
    if (entry['hasSortStage'] === true) s.sorts += 1;
    if (entry['usedDisk'] === true) s.spills += 1;
  }
  const ranked = [...shapes.values()]
    .sort((a, b) => b.shape.totalMs - a.shape.totalMs)
    .slice(0, Math.max(1, limit));
  for (const { shape: s, sample } of ranked) {
    s.meanMs = s.totalMs / s.count;
    s.share = totalMs > 0 ? s.totalMs / totalMs : 0;
    s.findings = shapeFindings(s, sample);
  }
  return { source, operations: docs.length, totalMs, shapes: ranked.map((r) => r.shape) };
}

function shapeFindings(s: MongoProfileShape, sample: ReturnType<typeof queryOf>): Finding[] {
  const findings: Finding[] = [];
  const ratio = s.docsExamined / Math.max(1, s.nreturned);
  const suggestion = suggestMongoIndex(sample.collection, sample.filter, sample.sort);
  const location = { query: `${s.namespace} ${s.op} ${s.shape}` };
  const impact = {
    share: s.share,
    shareOf: 'profiled operation time',
    timeMs: s.totalMs,
    description: `${s.count} operations, ${s.totalMs} ms in total (${formatPercent(s.share, 1)} of profiled time), ${s.docsExamined} documents examined for ${s.nreturned} returned`,
  };
  const evidence = [
    { label: 'plans', value: s.plans.join(', ') || 'unknown', source: 'system.profile' },
    {
      label: 'documents examined per returned',
      value: Number(ratio.toFixed(1)),
      source: 'system.profile',
    },
    {
      label: 'mean / max',
      value: `${s.meanMs.toFixed(1)} / ${s.maxMs} ms`,
      source: 'system.profile',
    },
  ];
  const fix = suggestion
    ? `Create ${suggestion.command} (ESR order: equality, sort, range).`
    : 'Add an index on the filtered fields.';
  const badRatio =
    s.docsExamined >= MONGO_THRESHOLDS.examinedMin && ratio >= MONGO_THRESHOLDS.examinedPerReturned;
  if (
    s.plans.some((p) => p === 'COLLSCAN') &&
    s.docsExamined / s.count >= MONGO_THRESHOLDS.collscanDocs
  ) {
    findings.push({
      id: 'mongo.collscan',
      area: 'database',
      title: `Collection scans on ${s.namespace}: ${s.count} operations read ${Math.round(s.docsExamined / s.count)} documents each`,
      severity: s.share >= 0.3 || ratio >= 1000 ? 'high' : 'medium',
      location,
      impact,
      rootCause:
        'No index matches the filter, so every operation reads the whole collection (planSummary COLLSCAN).',
      recommendation: {
        text: fix,
        effort: 'low',
        ...(suggestion ? { sql: suggestion.command } : {}),
      },
      evidence,
    });
  } else if (badRatio) {
    findings.push({
      id: 'mongo.docs-examined',
      area: 'database',
      title: `${Math.round(ratio)} documents examined per document returned on ${s.namespace}`,
      severity: ratio >= 1000 ? 'high' : 'medium',
      location,
      impact,
      rootCause: `The index used (${s.plans.join(', ')}) narrows the search too little for this filter.`,
      recommendation: {
        text: fix,
        effort: 'low',
        ...(suggestion ? { sql: suggestion.command } : {}),
      },
      evidence,
    });
  }
  if (s.sorts > 0) {
    findings.push({
      id: s.spills > 0 ? 'mongo.sort-spill' : 'mongo.in-memory-sort',
      area: 'database',
      title: `${s.spills > 0 ? 'Sorts spilled to disk' : 'Blocking in-memory sorts'} on ${s.namespace} (${s.sorts} of ${s.count} operations)`,
      severity: s.spills > 0 ? 'high' : 'medium',
      location,
      impact,
      rootCause:
        'No index provides the requested order (hasSortStage: true): every matching document is read and sorted before the first is returned.',
      recommendation: {
        text: `${fix} The sort fields follow the equality fields so documents come out in order.`,
        effort: 'low',
        ...(suggestion ? { sql: suggestion.command } : {}),
      },
      evidence,
    });
  }
  return findings;
}
