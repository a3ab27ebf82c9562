/** Unit tests of the probe's pure parts: routes, latency histogram, config, report file round trip. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseProbeConfig } from './config.js';
import { FindingsStore, locationOf, probeFindingKeyOf } from './findings-store.js';
import { frameworkRoute } from './frameworks.js';
import { createProbeEnv } from './index.js';
import { LatencyHistogram } from './latency-histogram.js';
import { readProbeReport } from './report-file.js';
import { noteBoundParams, routeOf, routeTemplate, withBoundSegments } from './route.js';
import { createRequestState } from './state.js';
import { ProbeStats } from './stats.js';

describe('routeTemplate', () => {
  it('turns ids, uuids, hashes and tokens into parameters', () => {
    expect(routeTemplate('/users/42/orders?page=2')).toBe('/users/:id/orders');
    expect(routeTemplate('/o/3f2504e0-4f89-11d3-9a0c-0305e82c3301')).toBe('/o/:uuid');
    expect(routeTemplate('/blob/deadbeefcafe1234')).toBe('/blob/:hash');
    expect(routeTemplate('/static/app.js')).toBe('/static/app.js');
    expect(routeTemplate('/')).toBe('/');
  });
  it('collapses slugs (4+ words, or a letters-and-digits suffix) and keeps hyphenated static paths', () => {
    expect(routeTemplate('/articles/how-to-train-your-dragon')).toBe('/articles/:slug');
    expect(routeTemplate('/articles/my-first-post-x7k2q/comments')).toBe(
      '/articles/:slug/comments',
    );
    expect(routeTemplate('/api/user-profile-settings')).toBe('/api/user-profile-settings');
    expect(routeTemplate('/sign-in')).toBe('/sign-in');
    expect(routeTemplate('/assets/app-v2.css')).toBe('/assets/app-v2.css');
  });
  it('prefers the framework route (Express req.route)', () => {
    expect(frameworkRoute({ baseUrl: '/api', route: { path: '/users/:id' } })).toBe(
      '/api/users/:id',
    );
    expect(frameworkRoute({})).toBeUndefined();
  });
});

describe('route parameters from query parameters (an app with its own router)', () => {
  const templateOf = (url: string, queries: Array<[string, unknown]>): string => {
    const state = createRequestState('GET', url);
    for (const [text, params] of queries) noteBoundParams(state, text, params);
    return withBoundSegments(routeTemplate(url), state);
  };
  it('turns a word segment passed to a query into a parameter named after its column', () => {
    const bySlug = 'SELECT id, slug, name FROM categories WHERE slug = $1';
    expect(templateOf('/categories/books/items?limit=20', [[bySlug, ['books']]])).toBe(
      '/categories/:slug/items',
    );
    expect(templateOf('/categories/garden%20tools/items', [[bySlug, ['garden tools']]])).toBe(
      '/categories/:slug/items',
    );
    expect(
      templateOf('/shops/acme/products/red', [
        ['SELECT * FROM products p WHERE p.shop = ? AND p.colour = ?', ['acme', 'red']],
      ]),
    ).toBe('/shops/:shop/products/:colour');
    expect(templateOf('/tags/ruby', [['SELECT tagged($1)', ['ruby']]])).toBe('/tags/:param');
  });
  it('names the route the same while the request runs (detectors key their windows by it)', () => {
    const state = createRequestState('GET', '/categories/music/items');
    expect(routeOf(state)).toBe('GET /categories/music/items');
    noteBoundParams(state, 'SELECT id FROM categories WHERE slug = $1', ['music']);
    expect(routeOf(state)).toBe('GET /categories/:slug/items');
  });
  it('keeps segments no query took, the first segment, and what the heuristic already named', () => {
    expect(templateOf('/categories/books/items', [['SELECT 1 WHERE a = $1', ['other']]])).toBe(
      '/categories/books/items',
    );
    expect(templateOf('/books', [['SELECT * FROM t WHERE kind = $1', ['books']]])).toBe('/books');
    expect(templateOf('/items/42', [['SELECT * FROM items WHERE id = $1', ['42']]])).toBe(
      '/items/:id',
    );
    expect(templateOf('/categories/books/items', [['SELECT 1', { slug: 'books' }]])).toBe(
      '/categories/books/items',
    );
  });
  it('binds one segment per value: a deeper literal segment that reads the same stays literal', () => {
    const bySlug = 'SELECT id FROM lists WHERE slug = $1';
    // Healthy: `/lists/:slug/books` requested for the list named "books".
    expect(templateOf('/lists/books/books', [[bySlug, ['books']]])).toBe('/lists/:slug/books');
    // The same value passed again (a second query) binds nothing more.
    expect(
      templateOf('/lists/books/books', [
        [bySlug, ['books']],
        ['SELECT count(*) FROM items WHERE list = $1', ['books']],
      ]),
    ).toBe('/lists/:slug/books');
    // Two values, two segments.
    expect(
      templateOf('/shops/acme/products/red', [
        ['SELECT * FROM shops WHERE name = $1', ['acme']],
        ['SELECT * FROM products WHERE colour = $1', ['red']],
      ]),
    ).toBe('/shops/:name/products/:colour');
  });
});

describe('LatencyHistogram', () => {
  it('reports percentiles within one 10% bucket and the exact max', () => {
    const h = new LatencyHistogram();
    for (let i = 1; i <= 1000; i++) h.record(i / 10);
    expect(h.count).toBe(1000);
    expect(h.max).toBe(100);
    expect(h.percentile(50)).toBeGreaterThan(50 * 0.9);
    expect(h.percentile(50)).toBeLessThan(50 * 1.1);
    expect(h.percentile(99)).toBeGreaterThan(99 * 0.9);
  });
});

describe('probe config and env', () => {
  it('reads thresholds and the report channel from the environment', () => {
    const c = parseProbeConfig(
      {
        REDLINE_PROBE_REPORT: '/tmp/r.ndjson',
        REDLINE_PROBE_N1_COUNT: '3',
        REDLINE_PROBE_N1_MS: 'x',
        REDLINE_PROBE_METRICS_PORT: '0',
      },
      '/app',
    );
    expect(c).toMatchObject({
      reportFile: '/tmp/r.ndjson',
      nPlusOneCount: 3,
      nPlusOneMs: 0,
      metricsPort: 0,
      root: '/app',
    });
  });
  it('builds NODE_OPTIONS that import the probe, keeping existing options', () => {
    const env = createProbeEnv({
      reportFile: '/tmp/x.ndjson',
      base: { NODE_OPTIONS: '--max-old-space-size=512' },
    });
    expect(env['NODE_OPTIONS']).toMatch(
      /^--import=file:\/\/.*\/probe\/register\.js --max-old-space-size=512$/,
    );
    expect(env['REDLINE_PROBE_REPORT']).toBe('/tmp/x.ndjson');
  });
});

describe('readProbeReport', () => {
  it('keeps the last stats and the last version of each finding, and survives a cut-off line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'redline-report-'));
    const file = join(dir, 'r.ndjson');
    const finding = (timeMs: number) => ({
      id: 'probe.n-plus-one',
      area: 'database',
      title: 't',
      severity: 'high',
      rootCause: 'r',
      recommendation: { text: 'x' },
      evidence: [],
      impact: { description: 'd', timeMs },
    });
    writeFileSync(
      file,
      [
        JSON.stringify({
          type: 'hello',
          v: 1,
          pid: 1,
          startedAt: 'x',
          node: 'v20',
          drivers: {},
          thresholds: {},
        }),
        JSON.stringify({ type: 'finding', t: 'x', key: 'k', finding: finding(10) }),
        JSON.stringify({
          type: 'stats',
          t: 'x',
          uptimeMs: 5,
          requests: 2,
          routes: [],
          queries: [],
          pools: [],
          eventLoop: { meanMs: 0, p99Ms: 0, maxMs: 0 },
        }),
        JSON.stringify({ type: 'finding', t: 'x', key: 'k', finding: finding(20) }),
        '{"type":"stats","t":',
      ].join('\n'),
    );
    try {
      const report = await readProbeReport(file);
      expect(report.findings).toHaveLength(1);
      expect(report.findings[0]?.impact?.timeMs).toBe(20);
      expect(report.stats?.requests).toBe(2);
      expect(report.badLines).toBe(1);
      expect(report.ended).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('probe finding identity', () => {
  it('keeps one rule at one line on two routes as two findings, in the store and in the report file', async () => {
    const store = new FindingsStore();
    store.setRenderer('probe.n-plus-one', (item) => ({
      id: item.id,
      area: 'database',
      title: `N+1 on ${item.route}`,
      severity: 'high',
      rootCause: 'r',
      recommendation: { text: 'x' },
      evidence: [],
      location: locationOf(item),
      impact: { description: 'd', timeMs: item.totalMs },
    }));
    const site = { file: 'src/shared/load.ts', line: 12, column: 5 };
    for (const route of ['GET /a', 'GET /b', 'GET /a'])
      store.add({
        id: 'probe.n-plus-one',
        route,
        query: 'SELECT 1',
        site,
        executions: 20,
        timeMs: 4,
      });
    const findings = store.render(() => ({ routeRequests: 1, routeMs: 1 }));
    expect(findings.map((f) => f.title).sort()).toEqual(['N+1 on GET /a', 'N+1 on GET /b']);
    expect(findings.find((f) => f.title === 'N+1 on GET /a')?.impact?.timeMs).toBe(8);
    const dir = mkdtempSync(join(tmpdir(), 'redline-report-'));
    const file = join(dir, 'r.ndjson');
    writeFileSync(
      file,
      findings
        .map((finding) =>
          JSON.stringify({ type: 'finding', t: 'x', key: probeFindingKeyOf(finding), finding }),
        )
        .join('\n'),
    );
    try {
      expect((await readProbeReport(file)).findings).toHaveLength(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('ProbeStats event loop', () => {
  it('reports the delay beyond the monitor period: a 400 ms block reads ≥ 250 ms, never negative', async () => {
    const stats = new ProbeStats();
    try {
      await new Promise((resolve) => setTimeout(resolve, 250));
      const until = Date.now() + 400;
      while (Date.now() < until) {
        // block the loop
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
      const { eventLoop } = stats.snapshot();
      // The block minus at most one 100 ms period (the monitor's own); load only adds delay.
      expect(eventLoop.maxMs).toBeGreaterThanOrEqual(250);
      expect(eventLoop.meanMs).toBeGreaterThanOrEqual(0);
      expect(eventLoop.p99Ms).toBeGreaterThanOrEqual(0);
    } finally {
      stats.close();
    }
  });
});
