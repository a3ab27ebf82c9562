/**
 * Pool waits are graded by the share of their route's time they cost (medium from 10 %), as the
 * share they show: recorded on a real Fastify + kysely + pg service (bench/realapps fastify,
 * 6 December), whose 10 pool clients made 25 users wait 15-19 ms, 2.7-9 % of each route's time.
 */
import { describe, expect, it } from 'vitest';
import { renderPoolWait } from './pool-wait.js';

function poolWait(route: string, requests: number, waitMs: number, routeMs: number) {
  return renderPoolWait(
    {
      id: 'probe.pool-wait',
      route,
      requests,
      executions: requests,
      totalMs: waitMs,
      maxMs: 80,
      detail: { waitMs, execMs: waitMs / 4 },
      firstSeen: 0,
      lastSeen: 1,
    },
    { routeRequests: requests * 4, routeMs },
  );
}

describe('probe.pool-wait grading', () => {
  it('healthy: waits of a few percent of the route’s time are low, not medium', () => {
    // GET /api/articles/:slug/comments: 15 ms on average, 2.7 % of the route's time.
    const small = poolWait('GET /api/articles/:slug/comments', 66, 990, 36_700);
    expect(small.impact?.share).toBeCloseTo(0.027, 3);
    expect(small.impact?.description).toMatch(
      /\(3% of GET \/api\/articles\/:slug\/comments time\)/,
    );
    expect(small.severity).toBe('low');
    // 9 %: still under the 10 % that makes a share medium.
    expect(poolWait('GET /api/tags', 61, 976, 10_850).severity).toBe('low');
  });

  it('positive: from 10 % of the route’s time medium, from 30 % high', () => {
    expect(poolWait('GET /api/articles', 120, 2_400, 24_000).severity).toBe('medium');
    expect(poolWait('GET /api/profiles/:username', 200, 14_000, 37_000).severity).toBe('high');
  });
});
