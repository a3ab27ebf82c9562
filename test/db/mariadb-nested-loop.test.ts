/**
 * db.nested-loop on a real MariaDB, in the shape a real NestJS + MikroORM service produced
 * (docs/realapps.md): an article looked up by its unindexed slug, joined to its author. The
 * optimiser drives the join from the 2,000 users and reads every article through the author
 * index, the slug filter throwing nearly all of them away. The finding names the index on the
 * filter column (which, created, removes the loop), and never PostgreSQL's hash-join settings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explainQuery } from '../../src/db/index.js';
import { createMysqlDatabase, mysqlExec } from './pg-scratch.js';

let db: { url: string; drop: () => Promise<void> };

const SCHEMA = [
  'CREATE TABLE `user` (id INT UNSIGNED AUTO_INCREMENT PRIMARY KEY, username VARCHAR(255) NOT NULL) ENGINE=InnoDB',
  "INSERT INTO `user` (id, username) SELECT seq, CONCAT('user', seq) FROM seq_1_to_2000",
  `CREATE TABLE article (id INT UNSIGNED AUTO_INCREMENT PRIMARY KEY, slug VARCHAR(255) NOT NULL,
     title VARCHAR(255) NOT NULL, author_id INT UNSIGNED NOT NULL, KEY article_author_id_index (author_id)) ENGINE=InnoDB`,
  "INSERT INTO article SELECT seq, CONCAT('how-to-tune-a-service-part-', seq), CONCAT('Part ', seq), 1 + (seq * 7919) % 2000 FROM seq_1_to_20000",
  'ANALYZE TABLE `user`, article',
];
const BY_SLUG =
  'SELECT a.id, a.title, u.username FROM article a INNER JOIN `user` u ON a.author_id = u.id WHERE a.slug = ?';
const PARAMS = ['how-to-tune-a-service-part-77'];

beforeAll(async () => {
  db = await createMysqlDatabase('rl_nested_loop');
  await mysqlExec(db.url, SCHEMA);
}, 120_000);

afterAll(async () => {
  await db?.drop();
});

describe('db.nested-loop on MariaDB', () => {
  it('names the index on the inner filter column, and that index removes the loop', async () => {
    const before = await explainQuery(BY_SLUG, { db: db.url, params: PARAMS });
    const loop = before.findings.find((f) => f.id === 'db.nested-loop');
    expect(loop, JSON.stringify(before.findings.map((f) => f.id))).toBeDefined();
    expect(loop?.recommendation.sql).toBe('CREATE INDEX `article_slug_idx` ON `article` (`slug`);');
    expect(loop?.recommendation.text).not.toMatch(/enable_hashjoin|work_mem/);
    // The advice executes on this scratch database and the loop is gone.
    await mysqlExec(db.url, [loop?.recommendation.sql ?? '']);
    const after = await explainQuery(BY_SLUG, { db: db.url, params: PARAMS });
    expect(after.findings.map((f) => f.id)).not.toContain('db.nested-loop');
    await mysqlExec(db.url, ['DROP INDEX `article_slug_idx` ON `article`']);
  });

  it('keeps to join advice in MariaDB terms when the inner side filters nothing away', async () => {
    // Every article of every user: the loop is real, no filter to index.
    const report = await explainQuery(
      'SELECT u.username, count(*) FROM `user` u STRAIGHT_JOIN article a ON a.author_id = u.id GROUP BY u.username',
      { db: db.url },
    );
    const loop = report.findings.find((f) => f.id === 'db.nested-loop');
    expect(loop, JSON.stringify(report.findings.map((f) => f.id))).toBeDefined();
    expect(loop?.recommendation.sql).toBeUndefined();
    expect(loop?.recommendation.text).not.toMatch(/enable_hashjoin|work_mem/);
  });
});
