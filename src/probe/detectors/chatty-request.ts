/**
 * Chatty-request detector: one request that talks to the database in many sequential round trips
 * of different statements (not a loop: that is an N+1). Each round trip waits for the one before,
 * so the request pays every network and parse latency in a row.
 */
import type { Finding } from '../../findings/finding.js';
import type { AggregatedDetection, Detection, RenderContext } from '../findings-store.js';
import type { QueryRecord, RequestState } from '../state.js';
import type { ProbeDetector } from './detector.js';
import { ms, routeShare, severityOf } from './shared.js';

/** Finding id. */
export const CHATTY_REQUEST_ID = 'probe.chatty-request';
/**
 * Sequential round trips of distinct statements per request from which a request is chatty. Six
 * is the case seen in a real Koa + knex API (issue 14): a page assembled from six dependent
 * lookups; five and fewer is ordinary for a page that loads a user, an item and its relations.
 */
export const CHATTY_MIN_ROUND_TRIPS = 6;

/** Statements that are part of a transaction's framing, not data round trips worth merging. */
const FRAMING = /^\s*(?:begin|start\s+transaction|commit|rollback|savepoint|release|set)\b/i;

/**
 * The longest chain of queries issued one after the other (each starting after the previous one
 * ended) whose statements are all different; queries that overlap (Promise.all) are not a chain.
 */
export function sequentialDistinctChain(queries: readonly QueryRecord[]): QueryRecord[] {
  const ordered = queries
    .filter((q) => !q.error && !FRAMING.test(q.sql))
    .sort((a, b) => a.start - b.start);
  const chain: QueryRecord[] = [];
  let lastEnd = Number.NEGATIVE_INFINITY;
  for (const query of ordered) {
    if (query.start < lastEnd) continue;
    chain.push(query);
    lastEnd = query.end;
  }
  const shapes = new Set(chain.map((q) => q.sql));
  return shapes.size === chain.length ? chain : [];
}

/** Detects a chatty request at its end. */
export function detectChattyRequest(state: RequestState, nPlusOneCount: number): Detection[] {
  // A chain is never longer than the request's queries: most requests make one or two, and the
  // chain's filter and sort were 0.6 % of a one-query route's CPU (bench/RESULTS.md).
  if (state.queries.length < CHATTY_MIN_ROUND_TRIPS) return [];
  // A statement repeated up to the N+1 count is a loop: the N+1 detector owns it.
  if (state.maxSeen >= nPlusOneCount) return [];
  const chain = sequentialDistinctChain(state.queries);
  if (chain.length < CHATTY_MIN_ROUND_TRIPS) return [];
  return [
    {
      id: CHATTY_REQUEST_ID,
      route: state.route,
      executions: chain.length,
      timeMs: chain.reduce((acc, q) => acc + (q.end - q.start), 0),
      detail: { roundTrips: chain.length },
    },
  ];
}

/** Renders an aggregated chatty request. */
export function renderChattyRequest(item: AggregatedDetection, context: RenderContext): Finding {
  const share = routeShare(item, context);
  const perRequest = Math.round(item.executions / Math.max(1, item.requests));
  return {
    id: CHATTY_REQUEST_ID,
    area: 'database',
    title: `Chatty requests on ${item.route}: ${perRequest} sequential queries per request`,
    severity: severityOf(share, 'low'),
    location: { route: item.route },
    impact: {
      description: `${ms(item.totalMs / Math.max(1, item.requests))} per request in ${perRequest} round trips made one after the other; ${item.requests} of ${context.routeRequests} requests; ${(share * 100).toFixed(0)}% of all ${item.route} time`,
      timeMs: item.totalMs,
      share,
      shareOf: `request time on ${item.route}`,
    },
    rootCause: `Each request on ${item.route} runs ${perRequest} different queries, each waiting for the previous one to finish: the request pays one database round trip after another.`,
    recommendation: {
      text: 'Fetch together what belongs together (one query with JOINs or a CTE), run the independent queries at the same time (Promise.all on a pool), and cache the lookups that rarely change.',
      effort: 'medium',
    },
    evidence: [
      {
        label: 'sequential round trips per request (max)',
        value: item.detail['roundTrips'] ?? perRequest,
        source: 'probe',
      },
      { label: 'affected requests', value: item.requests, source: 'probe' },
    ],
  };
}

/** Chatty requests: per finished request. */
export const chattyRequestDetector: ProbeDetector = {
  id: CHATTY_REQUEST_ID,
  createHooks: (config) => ({
    onRequestEnd: (state) => detectChattyRequest(state, config.nPlusOneCount),
  }),
  render: renderChattyRequest,
  thresholds: () => ({ chattyRoundTrips: CHATTY_MIN_ROUND_TRIPS }),
};
