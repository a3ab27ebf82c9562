/**
 * The count beside every list page on a real framework (Express 5) and a real MariaDB (mysql2):
 * the finding names the statement's own aggregate (`count(DISTINCT …)` is not `count(*)`) and
 * gives MySQL/MariaDB advice, never PostgreSQL's catalog (issue 14); a page alone raises nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProbeReport } from '../../src/probe/index.js';
import { createMysqlDatabase, mysqlExec } from './pg-scratch.js';
import { fixtureLine, getMany, startProbedApp } from './probe-harness.js';

const APP = 'count-list-mysql2.mjs';
let db: { url: string; drop: () => Promise<void> };
let report: ProbeReport;

beforeAll(async () => {
  db = await createMysqlDatabase('rl_probe_count');
  await mysqlExec(db.url, [
    'CREATE TABLE users (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL)',
    'CREATE TABLE articles (id INT PRIMARY KEY, author_id INT NOT NULL, title VARCHAR(80) NOT NULL)',
    "INSERT INTO users SELECT seq, CONCAT('user ', seq) FROM seq_1_to_20",
    "INSERT INTO articles SELECT seq, 1 + seq % 20, CONCAT('Part ', seq) FROM seq_1_to_200",
  ]);
  const app = await startProbedApp(APP, { DATABASE_URL: db.url });
  for (const path of ['/articles', '/users', '/feed'])
    expect(await getMany(app.port, path, 4)).toEqual([200, 200, 200, 200]);
  report = await app.stop();
}, 60_000);

afterAll(async () => {
  await db?.drop();
});

const counts = () => report.findings.filter((f) => f.id === 'probe.count-per-list');

describe('count per list page on MariaDB', () => {
  it('a DISTINCT count is named as such, with MySQL/MariaDB advice, at its line', () => {
    const found = counts().find((f) => f.location?.route === 'GET /articles');
    expect(found?.title).toMatch(
      /^count\(DISTINCT\(`articles`\.`id`\)\) on 100% of list requests on GET \/articles/,
    );
    expect(found?.location?.line).toBe(fixtureLine(APP, 'DISTINCT COUNT HERE') - 2);
    expect(found?.recommendation.text).toContain('information_schema.TABLES.TABLE_ROWS');
    expect(found?.recommendation.text).not.toMatch(/pg_class|reltuples|PostgreSQL/);
  });

  it('a plain count is count(*), with the same dialect', () => {
    const found = counts().find((f) => f.location?.route === 'GET /users');
    expect(found?.title).toMatch(/^count\(\*\) on 100% of list requests on GET \/users/);
    expect(found?.location?.line).toBe(fixtureLine(APP, 'PLAIN COUNT HERE'));
    expect(found?.recommendation.text).not.toMatch(/pg_class|reltuples/);
  });

  it('healthy: a page without a count raises nothing', () => {
    expect(
      counts()
        .map((f) => f.location?.route)
        .sort(),
    ).toEqual(['GET /articles', 'GET /users']);
  });
});
