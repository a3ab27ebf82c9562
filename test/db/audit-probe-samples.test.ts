/**
 * The audit's db step EXPLAIN ANALYZEs the probe's most expensive statements with a real
 * execution the probe kept (text and parameters), on a real PostgreSQL: a lookup by an unindexed
 * column gets measured index advice, as a configured statement would. Healthy: the same lookup
 * with its index gets none. Found on real services (NestJS + TypeORM, Koa + knex) whose top
 * statement, a lookup by slug, only had a generic plan (estimates) and no advice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueryStats } from '../../src/probe/index.js';
import { dbStepOnProbe } from './db-step-harness.js';
import { createPgDatabase, pgExec } from './pg-scratch.js';

let db: { url: string; drop: () => Promise<void> };

beforeAll(async () => {
  db = await createPgDatabase('rl_probe_samples');
  await pgExec(db.url, [
    'CREATE TABLE posts (id serial PRIMARY KEY, slug text NOT NULL, body text NOT NULL)',
    "INSERT INTO posts (slug, body) SELECT 'post-' || n, repeat('x', 200) FROM generate_series(1, 60000) n",
    'ALTER TABLE posts ADD COLUMN grp int',
    'UPDATE posts SET grp = id % 3',
    'CREATE TABLE pages (id serial PRIMARY KEY, slug text NOT NULL UNIQUE, body text NOT NULL)',
    "INSERT INTO pages (slug, body) SELECT 'page-' || n, repeat('x', 200) FROM generate_series(1, 60000) n",
    'CREATE TABLE feed (id serial PRIMARY KEY, title text NOT NULL, created_at timestamptz NOT NULL)',
    "INSERT INTO feed (title, created_at) SELECT 'title ' || n, now() - (n * 7919 % 60000) * interval '1 minute' FROM generate_series(1, 60000) n",
    'ANALYZE',
  ]);
}, 60_000);

afterAll(async () => {
  await db?.drop();
});

function stats(sql: string, text: string, params: unknown[]): QueryStats {
  return {
    sql,
    driver: 'pg',
    calls: 600,
    totalMs: 1800,
    meanMs: 3,
    maxMs: 9,
    rows: 600,
    errors: 0,
    sample: { text, params },
  };
}

const dbStep = (probeQueries: QueryStats[]) => dbStepOnProbe(db.url, probeQueries);

describe('db step: the probe statements are explained with their real execution', () => {
  it('a lookup by an unindexed column gets index advice, measured, and the report names no parameter', async () => {
    const text = 'SELECT id, body FROM posts WHERE slug = $1 LIMIT 1';
    const result = await dbStep([
      stats('SELECT id, body FROM posts WHERE slug = ? LIMIT ?', text, ['post-19999']),
    ]);
    const missing = result.findings.find((f) => f.id === 'db.missing-index');
    expect(missing?.recommendation.sql).toMatch(/^CREATE INDEX .* ON "?posts"? \("?slug"?\)/);
    expect(missing?.location?.query).toBe('SELECT id, body FROM posts WHERE slug = ? LIMIT ?');
    expect(result.gains.map((g) => g.findingId)).toEqual(['db.missing-index']);
    expect(JSON.stringify(result.findings)).not.toContain('post-19999');
  });

  it('healthy: the same lookup on an indexed column gets no index advice', async () => {
    const result = await dbStep([
      stats(
        'SELECT id, body FROM pages WHERE slug = ? LIMIT ?',
        'SELECT id, body FROM pages WHERE slug = $1 LIMIT 1',
        ['page-4242'],
      ),
    ]);
    expect(result.findings.filter((f) => f.id === 'db.missing-index')).toEqual([]);
    expect(result.gains).toEqual([]);
  });

  it('advice measured not to help is withdrawn: the finding says what was measured', async () => {
    // Two thirds of the rows are filtered out, but the time goes into hashing the third kept:
    // an index on the filter column saves the cheap part only (about 1% of the statement, far
    // from the 20% the advice needs, so a busy machine's noise cannot flip the verdict).
    const result = await dbStep([
      stats(
        'SELECT md5(repeat(body, ?)) FROM posts WHERE grp = ?',
        'SELECT md5(repeat(body, 20)) FROM posts WHERE grp = $1',
        [1],
      ),
    ]);
    const finding = result.findings.find((f) => f.id === 'db.missing-index');
    expect(finding?.severity).toBe('low');
    expect(finding?.recommendation.sql).toBeUndefined();
    expect(finding?.recommendation.text).toMatch(/does not make it faster/);
    expect(result.gains).toEqual([]);
  });

  it('a top-N sort’s index is measured too: the gain is in the advice, and a sort that was the statement is high', async () => {
    // 60,000 rows sorted for 20 against 20 read in index order: hundreds of times faster, far
    // above the 5× that makes it high, whatever the machine's load.
    const result = await dbStep([
      stats(
        'SELECT id, title FROM feed ORDER BY created_at DESC LIMIT ?',
        'SELECT id, title FROM feed ORDER BY created_at DESC LIMIT 20',
        [],
      ),
    ]);
    const finding = result.findings.find((f) => f.id === 'db.top-n-sort');
    expect(finding?.recommendation.sql).toBe(
      'CREATE INDEX CONCURRENTLY feed_created_at_idx ON feed (created_at);',
    );
    expect(finding?.recommendation.text).toMatch(/measured with the real statement: .* ms → .* ms/);
    expect(finding?.evidence.some((e) => e.label === 'verify-index feed_created_at_idx')).toBe(
      true,
    );
    expect(finding?.severity).toBe('high');
    expect(result.gains.map((g) => g.findingId)).toEqual(['db.top-n-sort']);
  });

  it('every missing index of one statement is measured, not only the first', async () => {
    // Both branches scan the same table, so each index removes half of the statement's work
    // (measured 0.5× and planned 0.5×), far from the 0.8× cut-off. The earlier second branch,
    // `feed WHERE title`, was a fifth of the statement (planned 4508 / 5633 = 0.80×): right at the
    // cut-off, so at load 20 its verdict flipped with the noise (failed once on 2026-12-06).
    const text =
      'SELECT id FROM posts WHERE slug = $1 UNION ALL SELECT id FROM posts WHERE body = $2';
    const normalised = text.replace(/\$\d/g, '?');
    const result = await dbStep([stats(normalised, text, ['post-77', 'no such body'])]);
    const missing = result.findings.filter((f) => f.id === 'db.missing-index');
    expect(missing.map((f) => f.recommendation.sql).sort()).toEqual([
      'CREATE INDEX CONCURRENTLY posts_body_idx ON posts (body);',
      'CREATE INDEX CONCURRENTLY posts_slug_idx ON posts (slug);',
    ]);
    for (const f of missing)
      expect(f.evidence.some((e) => e.label.startsWith('verify-index '))).toBe(true);
    expect(result.gains.filter((g) => g.findingId === 'db.missing-index')).toHaveLength(2);
  });

  it('a statement that writes is never run from a sample', async () => {
    const result = await dbStep([
      stats(
        'UPDATE posts SET body = ? WHERE slug = ?',
        'UPDATE posts SET body = $1 WHERE slug = $2',
        ['changed', 'post-1'],
      ),
    ]);
    expect(result.gains).toEqual([]);
    const [rows] = await pgExec(db.url, [
      "SELECT count(*)::int AS n FROM posts WHERE body = 'changed'",
    ]);
    expect(rows).toEqual([{ n: 0 }]);
  });
});
