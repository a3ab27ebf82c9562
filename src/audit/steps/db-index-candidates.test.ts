/**
 * Measured index advice on a real (in-memory PGlite) table: the rule's index and the one extended
 * with the ORDER BY columns of a LIMITed sort are both measured; the extended one wins. Also the
 * report's plan tree of the same plan.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildSuggestion,
  type DbSession,
  explainQuery,
  openDb,
  parseDbTarget,
} from '../../db/index.js';
import {
  chooseBestIndex,
  createIndexCandidates,
  isMeasuredGain,
  MAX_EXTRA_REPEATS,
  measureIndex,
  sortColumnOf,
} from './db-index-candidates.js';
import { createPlanTree } from './db-plan-tree.js';

const SQL =
  'SELECT p.id, p.title FROM posts AS p WHERE p.topic_id = $1 ORDER BY p.created_at DESC LIMIT $2';
let session: DbSession;

beforeAll(async () => {
  session = await openDb(parseDbTarget('pglite:memory'));
  await session.query(
    'CREATE TABLE posts (id serial PRIMARY KEY, topic_id int NOT NULL, title text NOT NULL, created_at timestamptz NOT NULL)',
  );
  await session.query(
    `INSERT INTO posts (topic_id, title, created_at)
     SELECT g % 50, 'post ' || g, now() - (g || ' minutes')::interval FROM generate_series(1, 40000) AS g`,
  );
  await session.query('ANALYZE posts');
}, 60_000);

afterAll(async () => {
  await session?.close();
});

describe('index candidates', () => {
  it('extends the rule’s index with the sort column and measures both', async () => {
    const report = await explainQuery(SQL, { session, params: [7, 20] });
    const finding = report.findings.find((f) => f.id === 'db.missing-index');
    expect(finding, report.findings.map((f) => f.id).join()).toBeDefined();
    const candidates = createIndexCandidates(finding!, report.plan);
    expect(candidates.map((c) => c.columns)).toEqual([['topic_id'], ['topic_id', 'created_at']]);
    expect(candidates[1]?.createSql).toBe(
      'CREATE INDEX CONCURRENTLY posts_topic_id_created_at_idx ON posts (topic_id, created_at);',
    );

    const measured = [];
    for (const c of candidates) measured.push(await measureIndex(session, SQL, [7, 20], c));
    for (const m of measured) expect(m.beforeMs).toBeGreaterThan(0);
    const best = chooseBestIndex(measured);
    expect(best?.index.name).toBe('posts_topic_id_created_at_idx');
    expect(best!.afterMs).toBeLessThan(best!.beforeMs);
    // Rolled back: the table has no index but its primary key.
    const indexes = await session.query<{ indexname: string }>(
      "SELECT indexname FROM pg_indexes WHERE tablename = 'posts'",
    );
    expect(indexes.rows.map((r) => r.indexname)).toEqual(['posts_pkey']);

    const tree = createPlanTree(report.plan, report.findings);
    expect(tree.nodeType).toBe('Limit');
    const flagged: string[] = [];
    const walk = (n: typeof tree): void => {
      flagged.push(...n.flags.map((f) => `${n.nodeType}:${f}`));
      n.children.forEach(walk);
    };
    walk(tree);
    expect(flagged).toContain('Seq Scan:missing-index');
  }, 60_000);

  it('time and plan disagree: the extra runs are measured before an index is called no gain', async () => {
    // Statistics from when every `k` was distinct, then every row set to k = 7 without ANALYZE:
    // the planner uses the index expecting one row (a gain by its cost), but the index scan
    // reads all 40,000 rows, about as fast as the sequential scan (measured 15.7 → 17.8 ms, best
    // of 6 per side, at load 20). Not asserted: which verdict the time gives (PGlite runs in this
    // process, and a busy machine's noise reaches either side); asserted: a "no gain" verdict
    // only comes after all the extra runs that the disagreement asks for.
    await session.query('CREATE TABLE stale (id serial PRIMARY KEY, k int NOT NULL)');
    await session.query('INSERT INTO stale (k) SELECT g FROM generate_series(1, 40000) AS g');
    await session.query('ANALYZE stale');
    await session.query('UPDATE stale SET k = 7');
    await session.query('VACUUM FULL stale');
    const index = buildSuggestion('postgres', 'stale', undefined, ['k']);
    const m = await measureIndex(
      session,
      'SELECT sum(id) FROM stale WHERE k = 7',
      undefined,
      index,
    );
    expect(m.used).toBe(true);
    expect(
      isMeasuredGain(m) || m.verifications === 2 + MAX_EXTRA_REPEATS,
      `${m.beforeMs} → ${m.afterMs} ms, ${m.verifications} verifications`,
    ).toBe(true);
  }, 120_000);

  it('takes only sort keys of the scanned table', () => {
    const node = { alias: 'p', relation: 'posts' } as Parameters<typeof sortColumnOf>[1];
    expect(sortColumnOf('p.created_at DESC', node)).toBe('created_at');
    expect(sortColumnOf('posts.id', node)).toBe('id');
    expect(sortColumnOf('created_at NULLS LAST', node)).toBe('created_at');
    expect(sortColumnOf('u.name', node)).toBeUndefined();
    expect(sortColumnOf('lower(p.title)', node)).toBeUndefined();
  });
});
