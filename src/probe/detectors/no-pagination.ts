/** No-pagination detector: a SELECT without LIMIT that returns many rows. */

import { isUnboundedSelect } from '../../db/sql/normalize.js';
import type { Finding } from '../../findings/finding.js';
import {
  type AggregatedDetection,
  type Detection,
  locationOf,
  type RenderContext,
  whereText,
} from '../findings-store.js';
import { registerFootprint } from '../footprint.js';
import { resolveSite } from '../query-site.js';
import { routeOf } from '../route.js';
import type { QueryRecord, RequestState } from '../state.js';
import type { ProbeDetector } from './detector.js';
import { explainEvidence, ms, routeShare, severityOf, shortSql } from './shared.js';

/** Finding id. */
export const NO_PAGINATION_ID = 'probe.no-pagination';
/**
 * Rows from which an unbounded result counts as unpaginated (Redline's choice [ref: sentry-large-
 * payload]).
 */
export const NO_PAGINATION_MIN_ROWS = 1000;

const unbounded = new Map<string, boolean>();
registerFootprint(() => unbounded);

/** True when a finished query returned an unpaginated result. */
export function isUnpaginated(sql: string, rows: number): boolean {
  if (rows < NO_PAGINATION_MIN_ROWS) return false;
  let value = unbounded.get(sql);
  if (value === undefined) {
    value = isUnboundedSelect(sql);
    if (unbounded.size < 5000) unbounded.set(sql, value);
  }
  return value;
}

/** Renders an aggregated no-pagination pattern. */
export function renderNoPagination(item: AggregatedDetection, context: RenderContext): Finding {
  const share = routeShare(item, context);
  const maxRows = item.detail['rows'] ?? 0;
  return {
    id: NO_PAGINATION_ID,
    area: 'database',
    title: `Unpaginated query on ${item.route} returns up to ${maxRows.toLocaleString('en-US')} rows`,
    severity: severityOf(share, 'medium'),
    location: locationOf(item),
    impact: {
      description: `${ms(item.totalMs / Math.max(1, item.requests))} per request in the query alone; results grow with the table`,
      timeMs: item.totalMs,
      share,
      shareOf: `request time on ${item.route}`,
    },
    rootCause: `"${shortSql(item.query)}" (at ${whereText(item)}) has no LIMIT: every row that matches is read, sent and held in memory, so the response gets slower as data grows.`,
    recommendation: {
      text: 'Paginate: add ORDER BY + LIMIT (keyset pagination, WHERE id > $last, scales best) and let the client ask for the next page.',
      effort: 'medium',
      diff: {
        before: 'SELECT ... FROM orders WHERE user_id = $1',
        after: 'SELECT ... FROM orders WHERE user_id = $1 AND id > $2 ORDER BY id LIMIT 20',
        language: 'sql',
      },
    },
    evidence: [
      { label: 'max rows returned', value: maxRows, source: 'probe' },
      { label: 'executions', value: item.executions, source: 'probe' },
      ...explainEvidence(item.query),
    ],
  };
}

/** Detects one finished query that returned an unpaginated result. */
export function detectNoPagination(
  state: RequestState,
  record: QueryRecord,
  root: string,
): Detection | undefined {
  if (record.error || !isUnpaginated(record.sql, record.rows)) return undefined;
  const site = resolveSite(record.site, root);
  return {
    id: NO_PAGINATION_ID,
    route: routeOf(state),
    query: record.sql,
    ...(site ? { site } : {}),
    executions: 1,
    timeMs: record.end - record.execStart,
    detail: { rows: record.rows },
  };
}

/** No pagination: per finished query. */
export const noPaginationDetector: ProbeDetector = {
  id: NO_PAGINATION_ID,
  createHooks: (config) => ({
    onQuery: (state, record) => detectNoPagination(state, record, config.root),
  }),
  render: renderNoPagination,
  thresholds: () => ({ noPaginationRows: NO_PAGINATION_MIN_ROWS }),
};
