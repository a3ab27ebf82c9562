/**
 * `db.top-n-sort` on the real MariaDB (issue 14: the exseq app's top-N sort was missed):
 * ORDER BY created_at DESC LIMIT 20 over a full scan is a filesort kept to 20 rows → an index on
 * the sort key. MariaDB commits CREATE INDEX at once, so --verify-index cannot roll it back: the
 * test builds the advised index in its own scratch database and checks that the plan then reads
 * the index in order and the rule stays silent (the healthy counterpart), as does a small table.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explainQuery } from '../../src/db/index.js';
import { createMysqlDatabase, mysqlExec } from './pg-scratch.js';

let db: { url: string; drop: () => Promise<void> };

beforeAll(async () => {
  db = await createMysqlDatabase('rl_topn');
  await mysqlExec(db.url, [
    `CREATE TABLE articles (id int PRIMARY KEY, author_id int NOT NULL, title varchar(40) NOT NULL,
       created_at datetime NOT NULL)`,
    `INSERT INTO articles SELECT seq, seq % 500, concat('title ', seq),
       now() - interval (seq * 7919 % 100000) minute FROM seq_1_to_100000`,
    'CREATE TABLE tags (id int PRIMARY KEY, name varchar(20) NOT NULL, created_at datetime NOT NULL)',
    "INSERT INTO tags SELECT seq, concat('t', seq), now() - interval seq hour FROM seq_1_to_500",
    'ANALYZE TABLE articles, tags',
  ]);
}, 120_000);

afterAll(async () => {
  await db?.drop();
});

const SQL = 'SELECT id, title FROM articles ORDER BY created_at DESC LIMIT 20';

async function findingsOf(sql: string) {
  const report = await explainQuery(sql, { db: db.url });
  return report.findings;
}

describe('db.top-n-sort on MariaDB', () => {
  it('a filesort kept to 20 rows of 100,000: an index on created_at, and no generic filesort finding', async () => {
    const findings = await findingsOf(SQL);
    const topN = findings.find((f) => f.id === 'db.top-n-sort');
    expect(topN?.title).toBe('Top-20 of articles sorted from 100,000 rows on every execution');
    expect(topN?.recommendation.sql).toMatch(
      /^CREATE INDEX .*articles_created_at_idx.* ON `?articles`? \(`?created_at`?\)/,
    );
    expect(topN?.recommendation.text).toContain('Not verified by Redline');
    expect(findings.map((f) => f.id)).not.toContain('db.filesort');
  });

  it('with the advised index built, the plan reads it in order and the rule is silent', async () => {
    const topN = (await findingsOf(SQL)).find((f) => f.id === 'db.top-n-sort');
    // The advised statement, run as printed (minus MariaDB-incompatible options, if any).
    await mysqlExec(db.url, [topN!.recommendation.sql!.replace(/;$/, '')]);
    try {
      const report = await explainQuery(SQL, { db: db.url });
      expect(report.findings.map((f) => f.id)).not.toContain('db.top-n-sort');
      const [rows] = (await mysqlExec(db.url, [`EXPLAIN ${SQL}`])) as Array<
        Array<{ key: string | null; Extra: string | null }>
      >;
      expect(rows?.[0]?.key).toBe('articles_created_at_idx');
      expect(rows?.[0]?.Extra ?? '').not.toContain('filesort');
    } finally {
      await mysqlExec(db.url, ['DROP INDEX articles_created_at_idx ON articles']);
    }
  });

  it('healthy: a small table’s top-N raises nothing', async () => {
    const ids = (await findingsOf('SELECT id FROM tags ORDER BY created_at DESC LIMIT 20')).map(
      (f) => f.id,
    );
    expect(ids).not.toContain('db.top-n-sort');
  });
});
