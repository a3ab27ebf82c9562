/**
 * N+1 detector: the same query run ≥ N times from one call site within one request [ref: sentry-n-
 * plus-one].
 */
import { batchLookupSql } from '../../db/sql/normalize.js';
import type { Finding } from '../../findings/finding.js';
import type { ProbeConfig } from '../config.js';
import {
  type AggregatedDetection,
  type Detection,
  locationOf,
  type RenderContext,
  whereText,
} from '../findings-store.js';
import { resolveSite, siteKey } from '../query-site.js';
import { type QueryRecord, type RequestState, seenCount } from '../state.js';
import type { ProbeDetector } from './detector.js';
import {
  explainEvidence,
  ms,
  probeTimeEvidence,
  routeShare,
  severityOf,
  shortSql,
} from './shared.js';

/** The statement run once per item → once for all items, when it is a lookup by one key. */
function batchedDiff(query: string, perRequest: number): Pick<Finding['recommendation'], 'diff'> {
  const batched = batchLookupSql(query);
  if (!batched) return {};
  return {
    diff: {
      before: `-- ${perRequest}× per request, one key each\n${shortSql(query, 400)}`,
      after: `-- once per request, every key in one array parameter\n${shortSql(batched.sql, 400)}`,
      language: 'sql',
    },
  };
}

/** Finding id. */
export const N_PLUS_ONE_ID = 'probe.n-plus-one';

/** Finds N+1 runs in a finished request. */
export function detectNPlusOne(state: RequestState, config: ProbeConfig): Detection[] {
  // No statement repeated enough (most requests): nothing to group.
  if (state.maxSeen < config.nPlusOneCount) return [];
  const groups = new Map<string, QueryRecord[]>();
  for (const record of state.queries) {
    if (seenCount(state, record.sql) < config.nPlusOneCount) continue;
    const list = groups.get(record.sql) ?? [];
    list.push(record);
    groups.set(record.sql, list);
  }
  const detections: Detection[] = [];
  for (const [sql, records] of groups) {
    // Optional floor (off by default): resolving call sites formats stacks.
    if (
      config.nPlusOneMs > 0 &&
      records.reduce((acc, r) => acc + (r.end - r.start), 0) < config.nPlusOneMs
    )
      continue;
    const bySite = new Map<string, QueryRecord[]>();
    for (const record of records) {
      const key = siteKey(resolveSite(record.site, config.root));
      const list = bySite.get(key) ?? [];
      list.push(record);
      bySite.set(key, list);
    }
    for (const list of bySite.values()) {
      const totalMs = list.reduce((acc, r) => acc + (r.end - r.start), 0);
      if (list.length < config.nPlusOneCount || totalMs < config.nPlusOneMs) continue;
      const site = resolveSite(list[0]?.site, config.root);
      detections.push({
        id: N_PLUS_ONE_ID,
        route: state.route,
        query: sql,
        ...(site ? { site } : {}),
        executions: list.length,
        timeMs: totalMs,
        detail: { perRequest: list.length },
      });
    }
  }
  return detections;
}

/** Renders an aggregated N+1 pattern. */
export function renderNPlusOne(item: AggregatedDetection, context: RenderContext): Finding {
  const share = routeShare(item, context);
  const perRequest = item.executions / Math.max(1, item.requests);
  return {
    id: N_PLUS_ONE_ID,
    area: 'database',
    title: `N+1 queries on ${item.route}: ${Math.round(perRequest)}× per request from ${whereText(item)}`,
    // Graded by the share of the route's time it costs: a repeated query is always worth a
    // look (low), medium and above only when it costs ≥ 10% of the route's time.
    severity: severityOf(share, 'low'),
    location: locationOf(item),
    impact: {
      description: `${ms(item.totalMs / Math.max(1, item.requests))} per affected request in ${Math.round(perRequest)} round trips; ${item.requests} of ${context.routeRequests} requests affected; ${(share * 100).toFixed(0)}% of all ${item.route} time`,
      timeMs: item.totalMs,
      share,
      shareOf: `request time on ${item.route}`,
    },
    rootCause: `The query "${shortSql(item.query)}" is issued once per item inside a loop at ${whereText(item)}: every iteration pays a database round trip.`,
    recommendation: {
      text: 'Load all the rows in one query — WHERE key = ANY($1) / IN (...) with the collected keys, or a JOIN — and group them in memory.',
      effort: 'medium',
      // The user's own statement, batched (the audit adds the rewrite of the loop itself).
      ...(item.query ? batchedDiff(item.query, Math.round(perRequest)) : {}),
    },
    evidence: [
      { label: 'affected requests', value: item.requests, source: 'probe' },
      {
        label: 'executions per request (max)',
        value: item.detail['perRequest'] ?? perRequest,
        source: 'probe',
      },
      probeTimeEvidence('time in these queries', item.totalMs),
      ...explainEvidence(item.query),
    ],
  };
}

/** N+1: per finished request; thresholds from the probe config (REDLINE_PROBE_N_PLUS_ONE_*). */
export const nPlusOneDetector: ProbeDetector = {
  id: N_PLUS_ONE_ID,
  createHooks: (config) => ({ onRequestEnd: (state) => detectNPlusOne(state, config) }),
  render: renderNPlusOne,
  thresholds: (config) => ({ nPlusOneCount: config.nPlusOneCount, nPlusOneMs: config.nPlusOneMs }),
};
