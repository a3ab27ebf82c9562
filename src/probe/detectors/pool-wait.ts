/** Pool-wait detector: requests that queued for a database connection. */
import type { Finding } from '../../findings/finding.js';
import {
  type AggregatedDetection,
  type Detection,
  locationOf,
  type RenderContext,
} from '../findings-store.js';
import { resolveSite } from '../query-site.js';
import type { RequestState } from '../state.js';
import type { ProbeDetector } from './detector.js';
import { ms, routeShare, severityOf } from './shared.js';

/** Finding id. */
export const POOL_WAIT_ID = 'probe.pool-wait';
/** A request counts when it waited at least this long (ms) in total for connections. */
export const POOL_WAIT_MIN_MS = 5;

/** Detects a finished request's pool waits. */
export function detectPoolWait(state: RequestState, root: string): Detection[] {
  if (state.poolWaitMs < POOL_WAIT_MIN_MS) return [];
  const queued = state.queries.filter((q) => q.queued);
  const execMs = queued.reduce((acc, q) => acc + (q.end - q.execStart), 0);
  const site = resolveSite(queued[0]?.site, root);
  return [
    {
      id: POOL_WAIT_ID,
      route: state.route,
      ...(site ? { site } : {}),
      executions: queued.length,
      timeMs: state.poolWaitMs,
      detail: { waitMs: state.poolWaitMs, execMs },
    },
  ];
}

/** Renders aggregated pool waits. */
export function renderPoolWait(item: AggregatedDetection, context: RenderContext): Finding {
  const share = routeShare(item, context);
  const meanWait = item.totalMs / Math.max(1, item.requests);
  return {
    id: POOL_WAIT_ID,
    area: 'database',
    title: `Requests on ${item.route} wait for a database connection (${ms(meanWait)} on average)`,
    // Graded by the share of the route's time it costs, as an N+1 is: medium from 10 %. The floor
    // was medium: on a real Fastify + kysely service 15 ms waits, 2.7-9 % of their routes' time,
    // were five medium findings beside the real top problems (docs/realapps.md).
    severity: severityOf(share, 'low'),
    location: locationOf(item),
    impact: {
      description: `${item.requests} of ${context.routeRequests} requests queued for the pool, ${ms(meanWait)} each on average (${(share * 100).toFixed(0)}% of ${item.route} time)`,
      timeMs: item.totalMs,
      share,
      shareOf: `request time on ${item.route}`,
    },
    // Which of the two it is cannot be read from one request: a wait several times longer than
    // the request's own queries is what a queue of other requests' queries produces too (40
    // users on 10 connections), so "connections are held too long" is not claimed (an earlier
    // version did, falsely, on real Fastify + kysely and NestJS + TypeORM services, which release
    // a connection right after its statements).
    rootCause:
      'Every connection was busy: more requests needed one at once than the pool holds, and each keeps it for as long as its queries take (longer when the queries are slow, or when code holds a client across other work).',
    recommendation: {
      text: 'Speed up the slow queries first (see the database findings); check that clients are released right after their statements (pool.query for single statements); then size the pool for the concurrency (pool max), within the database’s max_connections.',
      effort: 'medium',
    },
    evidence: [
      { label: 'requests that waited', value: item.requests, source: 'probe' },
      { label: 'total wait', value: Math.round(item.totalMs), unit: 'ms', source: 'probe' },
    ],
  };
}

/** Pool wait: per finished request that queued for a connection. */
export const poolWaitDetector: ProbeDetector = {
  id: POOL_WAIT_ID,
  createHooks: (config) => ({ onRequestEnd: (state) => detectPoolWait(state, config.root) }),
  render: renderPoolWait,
  thresholds: () => ({ poolWaitMs: POOL_WAIT_MIN_MS }),
};
