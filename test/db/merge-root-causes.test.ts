/**
 * One root cause, one finding (issue 14: 50 cache candidates, mostly one per slug and largely the
 * missing index again), on a real Koa + pg app under the probe and the audit's real db step on
 * PostgreSQL: the cache candidates of a statement with a missing index are folded into the index
 * finding; the cache candidates of an indexed statement on two routes become one finding.
 * Healthy: a statement with nothing repeated keeps its index finding unchanged. The report writes
 * the first findings in full and lists the rest in one table.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditQuery } from '../../src/audit/config/types.js';
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
import { getMany, ROOT, startProbedApp } from './probe-harness.js';

/**
 * `f` without what the audit adds for ranking (src/findings/common-impact.ts: the time saved per
 * request and its note in the impact line): what the merges themselves changed.
 */
function unranked(f: Finding | undefined): Finding | undefined {
  if (!f?.impact) return f;
  const { perRequestMs: _ms, perRequestOf: _of, perRequestUnknown: _why, ...impact } = f.impact;
  const description = impact.description.replace(
    /; (?:ranked by ≈|not ranked by time per request:).*$/,
    '',
  );
  return { ...f, impact: { ...impact, description } };
}

let db: { url: string; drop: () => Promise<void> };
let report: ProbeReport;
let merged: Finding[];
let dbFindings: Finding[];
let loopReport: ProbeReport;
let loopDb: Finding[];
let loopMerged: Finding[];
/** One statement whose plan shows two problems: a filtered scan and a top-N sort of 100,000 rows. */
const TOP_N_FILTERED =
  'SELECT id, title FROM articles WHERE author_id = $1 ORDER BY created_at DESC LIMIT 10';

/** The audit's db step on the probe's statements (and the configured ones), as the audit runs it. */
async function dbStepFindings(probe: ProbeReport, queries: AuditQuery[] = []): Promise<Finding[]> {
  const step = await runDbStep({
    url: db.url,
    queries,
    probeQueries: probe.stats?.queries ?? [],
    verifyIndex: false,
    analyzeWrites: false,
    statements: false,
    progress: SILENT_PROGRESS,
  });
  return step.findings;
}

beforeAll(async () => {
  db = await createPgDatabase('rl_merge');
  await pgExec(db.url, [
    'CREATE TABLE posts (id serial PRIMARY KEY, slug text NOT NULL, body text NOT NULL)',
    "INSERT INTO posts (slug, body) SELECT 'post-' || n, repeat('x', 200) FROM generate_series(1, 60000) n",
    'CREATE TABLE pages (id serial PRIMARY KEY, slug text NOT NULL UNIQUE, body text NOT NULL)',
    "INSERT INTO pages (slug, body) SELECT 'page-' || n, repeat('x', 200) FROM generate_series(1, 2000) n",
    readFileSync(join(ROOT, 'test/fixtures/apps/db/schema.sql'), 'utf8'),
    `CREATE TABLE articles (id serial PRIMARY KEY, author_id int NOT NULL, title text NOT NULL,
       created_at timestamptz NOT NULL)`,
    `INSERT INTO articles (author_id, title, created_at)
       SELECT i % 500, 'title ' || i, now() - (i * 7919 % 100000) * interval '1 minute' FROM generate_series(1, 100000) AS i`,
    'ANALYZE',
  ]);
  const app = await startProbedApp('cache-index-koa.mjs', {
    DATABASE_URL: db.url,
    REDLINE_PROBE_SAMPLES: '1',
  });
  for (const prefix of ['/blog', '/news', '/about', '/help', '/team', '/jobs'])
    for (let i = 0; i < 12; i++)
      expect(await getMany(app.port, `${prefix}/slug-${i}`, 1)).toEqual([200]);
  report = await app.stop();
  dbFindings = await dbStepFindings(report);
  merged = collectFindings({ probe: report.findings, db: dbFindings, displayRoot: process.cwd() });
  // The N+1 app: the same 300 lookups (indexed) on every request, so each one repeats ≥ 10×.
  const loopApp = await startProbedApp('authors-n-plus-one.mjs', { DATABASE_URL: db.url });
  expect(await getMany(loopApp.port, '/authors', 12)).toEqual(Array(12).fill(200));
  loopReport = await loopApp.stop();
  loopDb = await dbStepFindings(loopReport, [
    { sql: TOP_N_FILTERED, params: [7], route: 'GET /articles' },
  ]);
  loopMerged = collectFindings({
    probe: loopReport.findings,
    db: loopDb,
    displayRoot: process.cwd(),
  });
}, 180_000);

afterAll(async () => {
  await db?.drop();
});

const onPosts = (f: Finding) => /FROM posts/.test(f.location?.query ?? '');
const onPages = (f: Finding) => /FROM pages WHERE slug/.test(f.location?.query ?? '');
const onPageIds = (f: Finding) => /FROM pages WHERE id/.test(f.location?.query ?? '');

/** The line of the fixture app that holds `marker`. */
function fixtureLine(marker: string): number {
  const lines = readFileSync(join(ROOT, 'test/fixtures/apps/db/cache-index-koa.mjs'), 'utf8');
  return lines.split('\n').findIndex((line) => line.includes(marker)) + 1;
}

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

  it('one statement issued from two lines stays one finding per call site, each naming its route and line', () => {
    const ids = merged.filter(onPageIds);
    expect(ids.map((f) => [f.id, f.location?.route, f.location?.line]).sort()).toEqual(
      [
        ['probe.cache-candidate', 'GET /jobs/:slug', fixtureLine('JOBS PAGE')],
        ['probe.cache-candidate', 'GET /team/:slug', fixtureLine('TEAM PAGE')],
      ].sort(),
    );
    expect(ids.map((f) => f.title)).not.toContainEqual(expect.stringMatching(/on 2 routes/));
  });

  it('healthy: without cache candidates the index finding is left as the db step wrote it', () => {
    const alone = collectFindings({ db: dbFindings, displayRoot: process.cwd() });
    const index = alone.find((f) => f.id === 'db.missing-index' && onPosts(f));
    expect(unranked(index)).toEqual(
      dbFindings.find((f) => f.id === 'db.missing-index' && onPosts(f)),
    );
  });
});

describe('one index needed by two statements is one finding listing both', () => {
  /** A second statement on posts that needs the same index on slug (the ORM's lookup with more columns). */
  const WITH_BODY = 'SELECT slug, length(body) AS size FROM posts WHERE slug = $1 LIMIT 1';
  /** A statement on posts that needs another index (on body). */
  const BY_BODY = 'SELECT id FROM posts WHERE body = $1 LIMIT 1';

  it('the probe’s slug lookup and a configured one: one finding, both statements, both advice lines', async () => {
    const findings = await dbStepFindings(report, [
      { sql: WITH_BODY, params: ['post-59999'], route: 'GET /posts/:slug' },
      { sql: BY_BODY, params: ['none'], route: 'GET /search' },
    ]);
    const index = findings.filter((f) => f.id === 'db.missing-index' && onPosts(f));
    // Before merging: three findings, two of them advising posts (slug) under different statements.
    const slugAdvice = index.filter((f) => /ON posts \(slug\)/.test(f.recommendation.sql ?? ''));
    expect(slugAdvice).toHaveLength(2);
    expect(new Set(slugAdvice.map((f) => f.location?.query)).size).toBe(2);
    const out = collectFindings({ db: findings, displayRoot: process.cwd() });
    const slug = out.filter((f) => /ON posts \(slug\)/.test(f.recommendation.sql ?? ''));
    expect(slug).toHaveLength(1);
    const [one] = slug as [Finding];
    expect(one.title).toMatch(/\(one index for 2 statements\)$/);
    const other = slugAdvice.find((f) => f.location?.query !== one.location?.query);
    expect(one.alsoQueries).toEqual([other?.location?.query]);
    expect(one.evidence.find((e) => e.label === 'same index, another statement')?.value).toContain(
      other?.location?.query,
    );
    expect(one.merged).toContain('db.missing-index');
    // Healthy: the statement that needs another index keeps its own finding.
    expect(out.filter((f) => /ON posts \(body\)/.test(f.recommendation.sql ?? ''))).toHaveLength(1);
    // Expected Improvements: the other statement's measured gain counts for the merged finding.
    const audit = createSyntheticAudit();
    delete audit.verification;
    audit.findings = [one];
    audit.gains = [
      {
        findingId: 'db.missing-index',
        query: other?.location?.query as string,
        metric: 'query time',
        before: 9.5,
        after: 0.04,
        unit: 'ms',
        source: 'verify-index',
      },
    ];
    const row = createReportModelFromAudit(audit).improvements.rows[0];
    expect(row?.measured).toBe(true);
    expect(row?.gain).toContain('9.5 ms → 0.04 ms');
  }, 60_000);
});

describe('an N+1’s own repeats and the plan nodes of one statement are one finding each', () => {
  const books = (f: Finding) => /FROM books/.test(f.location?.query ?? '');
  const articles = (f: Finding) => /FROM articles/.test(f.location?.query ?? '');

  it('before merging: the loop’s lookups are also a cache candidate; the plan shows two nodes', () => {
    expect(loopReport.findings.filter(books).map((f) => f.id)).toEqual([
      'probe.n-plus-one',
      'probe.cache-candidate',
    ]);
    // books.author_id is indexed: no plan finding takes the cache candidate.
    expect(loopDb.filter(books)).toEqual([]);
    expect(loopDb.filter(articles).map((f) => f.id)).toEqual(['db.missing-index', 'db.top-n-sort']);
  });

  it('the cache candidate of the N+1’s own query is folded into the N+1, as evidence lines', () => {
    const onBooks = loopMerged.filter(books);
    expect(onBooks.map((f) => f.id)).toEqual(['probe.n-plus-one']);
    const loop = onBooks[0]!;
    const before = loopReport.findings.find((f) => f.id === 'probe.n-plus-one' && books(f))!;
    const cache = loopReport.findings.find((f) => f.id === 'probe.cache-candidate' && books(f))!;
    expect(loop.merged).toEqual(['probe.cache-candidate']);
    expect(loop.evidence.find((e) => e.label === 'also a cache candidate')?.value).toBe(
      '1 finding(s) on GET /authors',
    );
    expect(loop.evidence.find((e) => e.label === 'database time a cache would save')?.value).toBe(
      Number((cache.impact?.timeMs ?? 0).toFixed(1)),
    );
    expect(loop.rootCause).toContain('batching the loop removes them');
    // The impact stays the loop's own (the cache's time is part of it, never added).
    expect(unranked(loop)?.impact).toEqual(before.impact);
  });

  it('a cache candidate on another statement of the same route stays its own finding', () => {
    const list = loopMerged.filter((f) => /FROM authors/.test(f.location?.query ?? ''));
    expect(list.map((f) => f.id)).toEqual(['probe.cache-candidate']);
  });

  it('the two plan nodes of one statement are one finding; the other node is an evidence line', () => {
    const onArticles = loopMerged.filter(articles);
    expect(onArticles).toHaveLength(1);
    const [host] = onArticles;
    const [first, second] = loopDb.filter(articles);
    expect(host?.id).toBe(first?.id);
    expect(unranked(host)?.impact).toEqual(first?.impact);
    expect(host?.merged).toEqual([second?.id]);
    const line = host?.evidence.find((e) => e.label === `same statement: ${second?.id}`);
    expect(line?.value).toBe(
      `${second?.title} (${second?.severity}) — ${second?.recommendation.sql}`,
    );
    expect(host?.rootCause).toContain(second?.title);
  });

  it('Expected Improvements: one row per merged finding, the statement’s time counted once', () => {
    const audit = createSyntheticAudit();
    delete audit.verification;
    audit.findings = loopMerged;
    audit.gains = [
      {
        findingId: 'db.top-n-sort',
        metric: 'query time',
        before: 12.9,
        after: 0.05,
        unit: 'ms',
        source: 'verify-index',
      },
    ];
    const model = createReportModelFromAudit(audit);
    const items = [...model.plan.immediate, ...model.plan.shortTerm, ...model.plan.longTerm];
    expect(model.improvements.rows).toHaveLength(items.length);
    expect(items.filter((i) => i.findingId === 'db.top-n-sort')).toEqual([]);
    expect(items.filter((i) => i.findingId === 'probe.cache-candidate')).toHaveLength(1);
    // The gain measured on the folded node is shown on the finding that took it.
    const host = model.improvements.rows.find((r) => /index is missing/.test(r.optimization));
    expect(host?.measured).toBe(true);
    expect(host?.gain).toContain('12.9 ms → 0.05 ms');
    // Each share counted once: the statement's largest share, and the loop's share of its route.
    const statement = Math.round((loopDb.find(articles)?.impact?.share ?? 0) * 100);
    const loop = loopMerged.find(books)!;
    const route = Math.round((loop.impact?.share ?? 0) * 100);
    expect(model.improvements.total.gain).toBe(
      `up to −${statement}% statement time; up to −${route}% ${loop.impact?.shareOf} (estimate)`,
    );
    // The merge changed the rows, not the time: the unmerged findings total the same.
    const unmerged = createSyntheticAudit();
    delete unmerged.verification;
    unmerged.findings = [...loopReport.findings, ...loopDb];
    expect(createReportModelFromAudit(unmerged).improvements.total.gain).toBe(
      model.improvements.total.gain,
    );
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
