/**
 * Which of the probe's statements the audit's db step explains, on a real framework (Express 5 +
 * pg with the built probe) and a real PostgreSQL. The run's database time is mostly nine cheap
 * primary-key lookups repeated in a loop (their time is round trips, not plans) and the lookup by
 * an unindexed slug ranks below them: it must still be explained and get its measured index. A
 * real Express + Sequelize service (docs/realapps.md, exseq) had its unindexed `Articles.slug`
 * missed this way: the eight explained statements were the N+1's lookups, 0.0 ms each alone.
 * The execution explained is the statement's slowest, not its first (a lookup with LIMIT 1
 * stops at its first match: exseq's first slug lookup matched within 1,000 rows and showed no
 * problem). Healthy: the same run with the slug indexed gets no index advice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueryStats } from '../../src/probe/index.js';
import { dbStepOnProbe } from './db-step-harness.js';
import { createPgDatabase, pgExec } from './pg-scratch.js';
import { getMany, startProbedApp } from './probe-harness.js';

const APP = 'explain-choice-express-pg.mjs';
let db: { url: string; drop: () => Promise<void> };

beforeAll(async () => {
  db = await createPgDatabase('rl_explain_choice');
  await pgExec(db.url, [
    'CREATE TABLE users (id int PRIMARY KEY, name text, bio text, image text, email text)',
    "INSERT INTO users SELECT n, 'user ' || n, 'bio', '', 'u' || n || '@x' FROM generate_series(1, 2000) n",
    'CREATE TABLE articles (id int PRIMARY KEY, slug text NOT NULL, title text NOT NULL, body text NOT NULL)',
    "INSERT INTO articles SELECT n, 'how-to-tune-' || n, 'Part ' || n, repeat('body ', 40) FROM generate_series(1, 40000) n",
    'CREATE TABLE pages (id int PRIMARY KEY, slug text NOT NULL UNIQUE, title text NOT NULL, body text NOT NULL)',
    'INSERT INTO pages SELECT * FROM articles',
    'ANALYZE',
  ]);
}, 60_000);

afterAll(async () => {
  await db?.drop();
});

/**
 * Runs the app under the probe: the list `lists` times (180 lookups each), then one read of each
 * article of `slugs`.
 */
async function probeRun(slugTable: string, lists: number, slugs: string[]): Promise<QueryStats[]> {
  const app = await startProbedApp(APP, {
    DATABASE_URL: db.url,
    SLUG_TABLE: slugTable,
    REDLINE_PROBE_SAMPLES: '1',
  });
  expect(await getMany(app.port, '/articles', lists)).toEqual(Array(lists).fill(200));
  for (const slug of slugs) expect(await getMany(app.port, `/articles/${slug}`, 1)).toEqual([200]);
  const report = await app.stop();
  return [...(report.stats?.queries ?? [])];
}

const dbStep = (probeQueries: QueryStats[]) => dbStepOnProbe(db.url, probeQueries);

/** The slug lookup's rank by time over the run (1 = most). */
function slugRank(queries: readonly QueryStats[]): number {
  const ranked = [...queries].sort((a, b) => b.totalMs - a.totalMs);
  return ranked.findIndex((q) => q.sql.includes('WHERE slug')) + 1;
}

describe('db step: the statements explained from the probe', () => {
  it('a lookup by an unindexed column ranked below eight cheap statements is still explained and measured', async () => {
    const queries = await probeRun('articles', 20, ['how-to-tune-39999']);
    // What makes the case: nine statements of more time over the run than the slug lookup.
    expect(slugRank(queries)).toBe(10);
    const result = await dbStep(queries);
    const missing = result.findings.filter((f) => f.id === 'db.missing-index');
    expect(missing.map((f) => f.recommendation.sql)).toEqual([
      expect.stringMatching(/^CREATE INDEX (CONCURRENTLY )?\S+ ON "?articles"? \("?slug"?\)/),
    ]);
    expect(missing[0]?.location?.query).toMatch(/FROM articles WHERE slug = \$1/);
    expect(result.gains.map((g) => g.findingId)).toEqual(['db.missing-index']);
  }, 120_000);

  it('the execution explained is the slowest one: a first lookup that matched at once does not hide the scan', async () => {
    // LIMIT 1 without an index stops at the first match: the third row is found at once, the
    // 39,999th after reading the table. The first execution alone shows no problem. One list
    // first: the pool's connection is then open and warm, so the first lookup's time is its own
    // (on a cold pool it included opening the connection, which on a loaded machine took longer
    // than a scan of the table: CI saw the first lookup kept as the slowest, and no finding).
    const queries = await probeRun('articles', 1, [
      'how-to-tune-3',
      'how-to-tune-39999',
      'how-to-tune-39998',
    ]);
    const slug = queries.find((q) => q.sql.includes('WHERE slug'));
    expect(slug?.sample?.params).not.toEqual(['how-to-tune-3']);
    const result = await dbStep(queries);
    expect(result.findings.filter((f) => f.id === 'db.missing-index')).toHaveLength(1);
    expect(result.gains.map((g) => g.findingId)).toEqual(['db.missing-index']);
  }, 120_000);

  it('healthy: with the slug indexed, no index advice', async () => {
    const queries = await probeRun('pages', 20, ['how-to-tune-39999']);
    expect(slugRank(queries)).toBe(10);
    const result = await dbStep(queries);
    expect(result.findings.filter((f) => f.id === 'db.missing-index')).toEqual([]);
    expect(result.gains).toEqual([]);
  }, 120_000);
});
