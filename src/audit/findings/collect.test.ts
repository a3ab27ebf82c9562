/**
 * Findings assembly on real inputs from a demo run: the probe's NDJSON report, the profiler's
 * findings and the DB step's plan findings, merged, de-duplicated, ranked, paths made relative.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../findings/finding.js';
import { renderCountPerList } from '../../probe/detectors/count-per-list.js';
import { renderNPlusOne } from '../../probe/detectors/n-plus-one.js';
import { renderNoPagination } from '../../probe/detectors/no-pagination.js';
import { readProbeReport } from '../../probe/index.js';
import { DEFAULT_SUCCESS_CRITERIA } from '../../results/criteria.js';
import { createCapacityFinding, createInvalidStepsFinding } from './audit-findings.js';
import { collectFindings, duplicateKey, toDisplayPath } from './collect.js';

const fixture = (name: string) => new URL(`../__fixtures__/${name}`, import.meta.url);
const profile = JSON.parse(
  readFileSync(fixture('demo-profile-findings.json'), 'utf8'),
) as Finding[];
const db = JSON.parse(readFileSync(fixture('demo-db-findings.json'), 'utf8')) as Finding[];
/** exseq's list count statement and its nested-loop plan finding, as the audit recorded them. */
const countPlan = JSON.parse(
  readFileSync(fixture('exseq-count-nested-loop.json'), 'utf8'),
) as Finding;
const countSql = countPlan.location?.query as string;

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

  it('ranks by the time a fix saves per request of the run, whatever each share is of', () => {
    const aggregate = (id: string, route: string, query: string, totalMs: number) => ({
      id,
      route,
      query,
      site: { file: '/srv/app/util/helpers.js', line: 21, column: 9 },
      requests: 180,
      executions: 3_600,
      totalMs,
      maxMs: 40,
      detail: { rows: 1_500 },
      firstSeen: 0,
      lastSeen: 1,
    });
    const follow = 'SELECT `id` FROM `Followers` WHERE `userId` = ? AND `followerId` = ?';
    // 25 % of a busy route (21 s) and of a second one (6 s): one loop, 27 s over the run.
    const list = renderNPlusOne(aggregate('probe.n-plus-one', 'GET /articles', follow, 21_000), {
      routeRequests: 180,
      routeMs: 84_000,
    });
    const comments = renderNPlusOne(
      aggregate('probe.n-plus-one', 'GET /articles/:slug/comments', follow, 6_000),
      { routeRequests: 90, routeMs: 24_000 },
    );
    // 28 % of a quiet route (560 ms over the run): a larger share of far less time.
    const unpaged = renderNoPagination(
      aggregate('probe.no-pagination', 'GET /tags', 'SELECT * FROM tags', 560),
      { routeRequests: 180, routeMs: 2_000 },
    );
    expect([list.severity, unpaged.severity]).toEqual(['medium', 'medium']);
    expect(unpaged.impact?.share).toBeGreaterThan(list.impact?.share as number);
    // The count of every page (125 s over the run) and its plan (26 % of the statement): one fix.
    const count = renderCountPerList(
      { ...aggregate('probe.count-per-list', 'GET /articles', countSql, 125_000), detail: {} },
      { routeRequests: 180, routeMs: 300_000 },
    );
    const out = collectFindings({
      probe: [unpaged, comments, list, count],
      db: [countPlan],
      displayRoot: '/srv/app',
      impact: { requests: 1_000 },
    });
    expect(out.map((f) => f.id)).toEqual([
      'probe.count-per-list',
      'probe.n-plus-one',
      'probe.no-pagination',
    ]);
    // Same statement: the count's time, counted once (not the plan's 26 % added to it).
    expect(out[0]?.impact?.perRequestMs).toBe(125);
    // Two routes' requests through one loop: their times add up.
    expect(out[1]?.impact?.perRequestMs).toBe(27);
    expect(out[2]?.impact?.perRequestMs).toBeCloseTo(0.56, 10);
    expect(out[1]?.impact?.description).toMatch(
      /; ranked by ≈ 27 ms of request time per request of the run \(all routes\)$/,
    );
  });

  it('one index for two statements saves both statements’ time; a configured one says why not', () => {
    const index = (query: string, runMs: number): Finding => ({
      ...countPlan,
      id: 'db.missing-index',
      location: { query },
      recommendation: { text: 'index', sql: 'CREATE INDEX a_slug ON "Articles" (slug)' },
      impact: { share: 0.5, timeMs: 10, description: 'scan' },
      evidence: [{ label: 'statement time over the run', value: runMs, unit: 'ms' }],
    });
    const out = collectFindings({
      db: [
        index('SELECT * FROM "Articles" WHERE slug = $1', 4_000),
        index('SELECT id FROM "Articles" WHERE slug = $1 LIMIT 1', 2_000),
      ],
      displayRoot: '/',
      impact: { requests: 100 },
    });
    expect(out).toHaveLength(1);
    expect(out[0]?.impact?.perRequestMs).toBe(30);
    // A configured statement (no time over the run): no estimate, and the finding says why.
    const alone = collectFindings({
      db: [{ ...index('SELECT 1 FROM "Articles" WHERE slug = $1', 0), evidence: [] }],
      displayRoot: '/',
      impact: { requests: 100 },
    });
    expect(alone[0]?.impact?.perRequestMs).toBeUndefined();
    expect(alone[0]?.impact?.description).toMatch(/not ranked by time per request: the statement/);
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
