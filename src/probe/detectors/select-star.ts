/** SELECT * detector: wide rows fetched while the code reads only a few columns (sampled with row proxies). */
import type { Finding } from '../../findings/finding.js';
import {
  type AggregatedDetection,
  type Detection,
  locationOf,
  type RenderContext,
  whereText,
} from '../findings-store.js';
import { resolveSite } from '../query-site.js';
import type { RequestState } from '../state.js';
import type { ProbeDetector } from './detector.js';
import { explainEvidence, ms, routeShare, shortSql } from './shared.js';

/** Finding id. */
export const SELECT_STAR_ID = 'probe.select-star';
/** Rows must have at least this many columns to count as wide. */
export const WIDE_MIN_COLUMNS = 8;
/** Reported when the code used at most this share of the columns. */
export const MAX_USED_SHARE = 0.5;
/** Executions per normalised query that get row proxies (sampling keeps the cost bounded). */
export const SAMPLES_PER_QUERY = 5;
/** Rows per result that get proxies. */
export const SAMPLED_ROWS = 50;

const handler = (used: Set<string>): ProxyHandler<Record<string, unknown>> => ({
  get(target, prop, receiver) {
    if (typeof prop === 'string' && Object.hasOwn(target, prop)) used.add(prop);
    return Reflect.get(target, prop, receiver);
  },
});

/** Replaces the first rows of `rows` with proxies that record which columns are read. */
export function trackColumnUse(rows: unknown[], used: Set<string>): void {
  const h = handler(used);
  const n = Math.min(rows.length, SAMPLED_ROWS);
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    if (row && typeof row === 'object' && !Array.isArray(row))
      rows[i] = new Proxy(row as Record<string, unknown>, h);
  }
}

/** Evaluates the sampled SELECT * queries of a finished request. */
export function detectSelectStar(state: RequestState, root: string): Detection[] {
  const out: Detection[] = [];
  for (const record of state.queries) {
    if (!record.usedColumns || !record.columnNames || record.columnNames.length < WIDE_MIN_COLUMNS)
      continue;
    const used = record.usedColumns.size;
    if (used / record.columnNames.length > MAX_USED_SHARE) continue;
    const site = resolveSite(record.site, root);
    out.push({
      id: SELECT_STAR_ID,
      route: state.route,
      query: record.sql,
      ...(site ? { site } : {}),
      executions: 1,
      timeMs: record.end - record.execStart,
      detail: { columns: record.columnNames.length, used: Math.max(used, 0) },
    });
    (out[out.length - 1] as Detection & { usedNames?: string[] }).usedNames = [
      ...record.usedColumns,
    ];
  }
  return out;
}

/** Renders an aggregated SELECT * pattern. */
export function renderSelectStar(item: AggregatedDetection, context: RenderContext): Finding {
  const share = routeShare(item, context);
  const columns = item.detail['columns'] ?? 0;
  const used = item.detail['used'] ?? 0;
  return {
    id: SELECT_STAR_ID,
    area: 'database',
    title: `SELECT * on ${item.route} fetches ${columns} columns; the code reads ${used}`,
    severity: 'low',
    location: locationOf(item),
    impact: {
      description: `${ms(item.totalMs / Math.max(1, item.requests))} per request in the query; unused columns are read, sent and decoded`,
      timeMs: item.totalMs,
      share,
      shareOf: `request time on ${item.route}`,
    },
    rootCause: `"${shortSql(item.query)}" at ${whereText(item)} selects every column, but the sampled rows had only ${used} of ${columns} columns read.`,
    recommendation: {
      text: 'Select only the columns the code uses (it also lets an index-only scan answer the query).',
      effort: 'low',
    },
    evidence: [
      { label: 'columns fetched', value: columns, source: 'probe' },
      { label: 'columns read (sampled rows)', value: used, source: 'probe' },
      ...explainEvidence(item.query),
    ],
  };
}

/** SELECT *: per finished request, on the executions whose rows were sampled by the recorder. */
export const selectStarDetector: ProbeDetector = {
  id: SELECT_STAR_ID,
  createHooks: (config) => ({ onRequestEnd: (state) => detectSelectStar(state, config.root) }),
  render: renderSelectStar,
};
