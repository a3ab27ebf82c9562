/**
 * One root cause, one finding (issue 14: 50 cache candidates, mostly one per slug and largely the
 * missing index again), on a real Koa + pg app under the probe and the audit's real db step on
 * PostgreSQL: the cache candidates of a statement with a missing index are folded into the index
 * finding; the cache candidates of an indexed statement on two routes become one finding.
 * Healthy: a statement with nothing repeated keeps its index finding unchanged. The report writes
 * the first findings in full and lists the rest in one table.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectFindings } from '../../src/audit/findings/collect.js';
import { SILENT_PROGRESS } from '../../src/audit/progress.js';
import { runDbStep } from '../../src/audit/steps/db-step.js';
import type { Finding } from '../../src/findings/finding.js';
import type { ProbeReport } from '../../src/probe/index.js';
import { renderMarkdown } from '../../src/report/index.js';
import { createReportModelFromAudit } from '../../src/report/model/create-from-audit.js';
import { FULL_FINDINGS_IN_REPORT } from '../../src/report/model/findings-view.js';
import { createSyntheticAudit } from '../../src/results/__fixtures__/synthetic-audit.js';
import { createPgDatabase, pgExec } from './pg-scratch.js';
import { getMany, startProbedApp } from './probe-harness.js';

let db: { url: string; drop: () => Promise<void> };
let report: ProbeReport;
let merged: Finding[];
let dbFindings: Finding[];

beforeAll(async () => {
  db = await createPgDatabase('rl_merge');
  await pgExec(db.url, [
    'CREATE TABLE posts (id serial PRIMARY KEY, slug text NOT NULL, body text NOT NULL)',
    "INSERT INTO posts (slug, body) SELECT 'post-' || n, repeat('x', 200) FROM generate_series(1, 60000) n",
    'CREATE TABLE pages (id serial PRIMARY KEY, slug text NOT NULL UNIQUE, body text NOT NULL)',
    "INSERT INTO pages (slug, body) SELECT 'page-' || n, repeat('x', 200) FROM generate_series(1, 2000) n",
    'ANALYZE',
  ]);
  const app = await startProbedApp('cache-index-koa.mjs', {
    DATABASE_URL: db.url,
    REDLINE_PROBE_SAMPLES: '1',
  });
  for (const prefix of ['/blog', '/news', '/about', '/help'])
    for (let i = 0; i < 12; i++)
      expect(await getMany(app.port, `${prefix}/slug-${i}`, 1)).toEqual([200]);
  report = await app.stop();
  const step = await runDbStep({
    url: db.url,
    queries: [],
    probeQueries: report.stats?.queries ?? [],
    verifyIndex: false,
    analyzeWrites: false,
    statements: false,
    progress: SILENT_PROGRESS,
  });
  dbFindings = step.findings;
  merged = collectFindings({ probe: report.findings, db: dbFindings, displayRoot: process.cwd() });
}, 120_000);

afterAll(async () => {
  await db?.drop();
});

const onPosts = (f: Finding) => /FROM posts/.test(f.location?.query ?? '');
const onPages = (f: Finding) => /FROM pages/.test(f.location?.query ?? '');

describe('findings of one root cause are merged', () => {
  it('before merging: the probe reports a cache candidate per route for each statement', () => {
    const caches = report.findings.filter((f) => f.id === 'probe.cache-candidate');
    expect(
      caches
        .filter(onPosts)
        .map((f) => f.location?.route)
        .sort(),
    ).toEqual(['GET /blog/:slug', 'GET /news/:slug']);
    expect(caches.filter(onPages)).toHaveLength(2);
    expect(dbFindings.filter(onPosts).map((f) => f.id)).toContain('db.missing-index');
  });

  it('the cache candidates of the unindexed lookup are folded into its missing-index finding', () => {
    const posts = merged.filter(onPosts);
    expect(posts.map((f) => f.id)).not.toContain('probe.cache-candidate');
    const index = posts.find((f) => f.id === 'db.missing-index');
    expect(index?.evidence.find((e) => e.label === 'also a cache candidate')?.value).toBe(
      '2 finding(s) on GET /blog/:slug, GET /news/:slug',
    );
    expect(index?.rootCause).toContain('fix the plan first');
  });

  it('the indexed lookup stays a cache candidate, once for its two routes', () => {
    const pages = merged.filter(onPages);
    expect(pages.map((f) => f.id)).toEqual(['probe.cache-candidate']);
    expect(pages[0]?.title).toMatch(/^Cache candidate on 2 routes: /);
    expect(pages[0]?.evidence.find((e) => e.label === 'routes')?.value).toBe(
      'GET /about/:slug, GET /help/:slug',
    );
  });

  it('healthy: without cache candidates the index finding is left as the db step wrote it', () => {
    const alone = collectFindings({ db: dbFindings, displayRoot: process.cwd() });
    const index = alone.find((f) => f.id === 'db.missing-index' && onPosts(f));
    expect(index).toEqual(dbFindings.find((f) => f.id === 'db.missing-index' && onPosts(f)));
  });
});

describe('the report writes the first findings in full and lists the rest', () => {
  it(`${FULL_FINDINGS_IN_REPORT} in full, the others in the "All other findings" table`, () => {
    const audit = createSyntheticAudit();
    const template = audit.findings[0]!;
    audit.findings = Array.from({ length: 20 }, (_, i) => ({
      ...template,
      id: `test.finding-${i}`,
      title: `Finding number ${i}`,
      severity: 'medium',
      impact: { share: (20 - i) / 100, description: `${20 - i}% of something` },
    }));
    const md = renderMarkdown(createReportModelFromAudit(audit));
    expect(md.match(/^#### Bottleneck \d+:/gm)).toHaveLength(FULL_FINDINGS_IN_REPORT);
    expect(md).toContain('#### All other findings (5)');
    expect(md).toMatch(/\| Bottleneck 16 \| medium \| Finding number 15 \|/);
    expect(md).toMatch(/\| Bottleneck 20 \| medium \| Finding number 19 \|/);
  });

  it('healthy: a report with few findings writes them all in full, with no extra table', () => {
    const md = renderMarkdown(createReportModelFromAudit(createSyntheticAudit()));
    expect(md).not.toContain('All other findings');
  });
});
