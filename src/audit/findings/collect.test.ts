/**
 * Findings assembly on real inputs from a demo run: the probe's NDJSON report, the profiler's
 * findings and the DB step's plan findings, merged, de-duplicated, ranked, paths made relative.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../findings/finding.js';
import { renderNPlusOne } from '../../probe/detectors/n-plus-one.js';
import { readProbeReport } from '../../probe/index.js';
import { DEFAULT_SUCCESS_CRITERIA } from '../../results/criteria.js';
import { createCapacityFinding, createInvalidStepsFinding } from './audit-findings.js';
import { collectFindings, duplicateKey, toDisplayPath } from './collect.js';

const fixture = (name: string) => new URL(`../__fixtures__/${name}`, import.meta.url);
const profile = JSON.parse(
  readFileSync(fixture('demo-profile-findings.json'), 'utf8'),
) as Finding[];
const db = JSON.parse(readFileSync(fixture('demo-db-findings.json'), 'utf8')) as Finding[];

describe('collectFindings', () => {
  it('merges profile, probe and database findings into one ranked list with relative paths', async () => {
    const probe = await readProbeReport(fixture('demo-probe.ndjson').pathname);
    const capacity = createCapacityFinding(
      { maxRps: 11.1, users: 6, errorRate: 0, kneeIndex: 1, reason: 'latency' },
      DEFAULT_SUCCESS_CRITERIA,
    );
    const findings = collectFindings({
      profile,
      probe: probe.findings,
      db,
      audit: capacity ? [capacity] : [],
      ...(probe.stats ? { routes: probe.stats.routes } : {}),
      displayRoot: '/srv/shop',
    });
    const ids = findings.map((f) => f.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'probe.n-plus-one',
        'probe.no-pagination',
        'db.missing-index',
        'cpu.sync-crypto',
        'capacity.below-target',
      ]),
    );
    // Ranked: severities never improve down the list.
    const order = ['critical', 'high', 'medium', 'low', 'info'];
    const ranks = findings.map((f) => order.indexOf(f.severity));
    expect([...ranks].sort((a, b) => a - b)).toEqual(ranks);
    const n1 = findings.find((f) => f.id === 'probe.n-plus-one');
    expect(n1?.location).toMatchObject({
      route: 'GET /items',
      file: 'src/demo/db/pglite.ts',
      query: 'SELECT id, name FROM users WHERE id = $1',
    });
    expect(n1?.evidence.find((e) => e.label === 'GET /items p95')?.source).toBe('probe');
    expect(findings.find((f) => f.id === 'cpu.sync-crypto')?.location).toMatchObject({
      file: 'src/demo/routes/login.ts',
      line: 20,
    });
    expect(findings.find((f) => f.id === 'db.missing-index')?.recommendation.sql).toMatch(
      /^CREATE INDEX/,
    );
  });

  it('keeps one finding per rule and place, the worst one', () => {
    const sync = profile.find((f) => f.id === 'cpu.sync-crypto') as Finding;
    const worse: Finding = { ...sync, severity: 'high' };
    const out = collectFindings({ profile: [sync], soak: [worse], displayRoot: '/' });
    expect(out).toHaveLength(1);
    expect(out[0]?.severity).toBe('high');
    expect(duplicateKey(sync)).toBe('cpu.sync-crypto@src/demo/routes/login.ts:20');
  });

  it('one loop line reached from two routes: one N+1 finding with both routes’ evidence', () => {
    // exseq (Express + Sequelize): util/helpers.js:21 runs the follower lookup per article on the
    // list and per comment on the comments route; the key kept one route and lost the other's.
    const site = {
      file: 'util/helpers.js',
      line: 21,
      column: 9,
      functionName: 'appendFollowers',
    };
    const query = 'SELECT `id` FROM `Followers` WHERE `userId` = ? AND `followerId` = ?';
    const loop = (route: string, requests: number, perRequest: number, totalMs: number) =>
      renderNPlusOne(
        {
          id: 'probe.n-plus-one',
          route,
          query,
          site,
          requests,
          executions: requests * perRequest,
          totalMs,
          maxMs: 40,
          detail: {},
          firstSeen: 0,
          lastSeen: 1,
        },
        { routeRequests: requests, routeMs: totalMs * 4 },
      );
    const list = loop('GET /articles', 180, 20, 21_000);
    const comments = loop('GET /articles/:slug/comments', 90, 5, 6_000);
    const routes = [
      { route: 'GET /articles', requests: 180, p95Ms: 900 },
      { route: 'GET /articles/:slug/comments', requests: 90, p95Ms: 300 },
    ] as never;
    const out = collectFindings({ probe: [comments, list], routes, displayRoot: '/srv/app' });
    expect(out).toHaveLength(1);
    const f = out[0] as Finding;
    expect(f.title).toBe(
      'N+1 queries on GET /articles: 20× per request from util/helpers.js:21 (also on GET /articles/:slug/comments)',
    );
    expect(f.impact?.timeMs).toBe(27_000);
    expect(f.evidence.find((e) => e.label === 'also on route')?.value).toBe(
      'GET /articles/:slug/comments',
    );
    expect(f.evidence.find((e) => e.label === 'on GET /articles/:slug/comments')?.value).toMatch(
      /5× per request/,
    );
    expect(f.evidence.find((e) => e.label === 'GET /articles/:slug/comments p95')?.value).toBe(300);
    expect(f.evidence.find((e) => e.label === 'GET /articles p95')?.value).toBe(900);
    // Healthy: the same loop twice on one route stays one finding with one route.
    const same = collectFindings({ probe: [list, { ...list }], displayRoot: '/srv/app' });
    expect(same).toHaveLength(1);
    expect(same[0]?.evidence.some((e) => e.label === 'also on route')).toBe(false);
    // Different lines on two routes stay two findings.
    const other = { ...comments, location: { ...comments.location, line: 24 } };
    expect(collectFindings({ probe: [list, other], displayRoot: '/srv/app' })).toHaveLength(2);
  });

  it('shows paths relative to the target folder only when inside it', () => {
    expect(toDisplayPath('/srv/shop/src/a.ts', '/srv/shop')).toBe('src/a.ts');
    expect(toDisplayPath('/elsewhere/a.ts', '/srv/shop')).toBe('/elsewhere/a.ts');
    expect(toDisplayPath('wasm://wasm/1', '/srv/shop')).toBe('wasm://wasm/1');
  });
});

describe('audit findings', () => {
  it('raises capacity only below the throughput target, from a ramp that broke', () => {
    const bp = {
      maxRps: 110,
      users: 18,
      errorRate: 0,
      kneeIndex: 3,
      reason: 'latency' as const,
    };
    const high = createCapacityFinding(bp, DEFAULT_SUCCESS_CRITERIA);
    expect(high).toMatchObject({ id: 'capacity.below-target', severity: 'high' });
    expect(high?.title).toBe(
      'Maximum capacity 110.0 req/s is below the throughput acceptable limit',
    );
    expect(createCapacityFinding({ ...bp, maxRps: 900 }, DEFAULT_SUCCESS_CRITERIA)?.severity).toBe(
      'medium',
    );
    expect(
      createCapacityFinding({ ...bp, maxRps: 1200 }, DEFAULT_SUCCESS_CRITERIA),
    ).toBeUndefined();
    expect(createCapacityFinding(bp, {})).toBeUndefined();
  });

  it('says "cannot tell" when the ramp ended below the target before anything broke', () => {
    const bp = {
      maxRps: 41.3,
      users: 18,
      errorRate: 0,
      kneeIndex: -1,
      reason: 'not-reached' as const,
    };
    const f = createCapacityFinding(bp, DEFAULT_SUCCESS_CRITERIA);
    expect(f).toMatchObject({ id: 'capacity.not-measurable', severity: 'info', area: 'capacity' });
    expect(f?.title).toMatch(/^Maximum capacity: cannot tell — .* 18 users .*41\.3 req\/s/);
    expect(f?.title).not.toMatch(/below/);
    // A ramp that got past the target proved enough capacity: nothing to say.
    expect(
      createCapacityFinding({ ...bp, maxRps: 1200 }, DEFAULT_SUCCESS_CRITERIA),
    ).toBeUndefined();
  });

  it('lists the invalid steps as an observation', () => {
    const run = JSON.parse(readFileSync(fixture('demo-load-run.json'), 'utf8'));
    const steps = [
      { kind: 'load' as const, run, valid: true },
      {
        kind: 'peak' as const,
        run,
        valid: false,
        invalidReason: 'generator saturated: it used 95% of its CPU',
      },
    ];
    const f = createInvalidStepsFinding(steps);
    expect(f?.severity).toBe('info');
    expect(f?.title).toBe('1 of 2 steps could not be trusted');
    expect(f?.rootCause).toBe('peak: generator saturated: it used 95% of its CPU');
    expect(createInvalidStepsFinding(steps.slice(0, 1))).toBeUndefined();
  });
});
