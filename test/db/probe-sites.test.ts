/**
 * Call sites of one statement issued from several places, on a real framework (Express 5) and a
 * real database (MariaDB through mysql2): the signed-in user's lookup runs in the list handler and
 * in the detail handler, and each route's finding names its own line (a call-site cache per
 * statement alone filed the detail route's cache candidate under the list handler's line, as on
 * a real NestJS + MikroORM service, docs/realapps.md).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMysqlDatabase, mysqlExec } from './pg-scratch.js';
import { fixtureLine, getMany, startProbedApp } from './probe-harness.js';

const APP = 'sites-express-mysql2.mjs';
let db: { url: string; drop: () => Promise<void> };

beforeAll(async () => {
  db = await createMysqlDatabase('rl_probe_sites');
  await mysqlExec(db.url, [
    'CREATE TABLE users (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL)',
    'CREATE TABLE articles (id INT PRIMARY KEY, slug VARCHAR(80) NOT NULL, title VARCHAR(80) NOT NULL)',
    "INSERT INTO users SELECT seq, CONCAT('user ', seq) FROM seq_1_to_20",
    "INSERT INTO articles SELECT seq, CONCAT('how-to-tune-a-service-', seq), CONCAT('Part ', seq) FROM seq_1_to_20",
  ]);
}, 60_000);

afterAll(async () => {
  await db?.drop();
});

describe('one statement, two call sites', () => {
  it("files each route's cache candidate under that route's line", async () => {
    const app = await startProbedApp(APP, { DATABASE_URL: db.url });
    // The list first: the statement's first call site is the list handler's.
    expect(await getMany(app.port, '/articles', 12)).toEqual(Array(12).fill(200));
    for (let i = 1; i <= 12; i++)
      expect(await getMany(app.port, `/articles/how-to-tune-a-service-${i}`, 1)).toEqual([200]);
    const report = await app.stop();
    const lookups = report.findings
      .filter((f) => f.id === 'probe.cache-candidate' && f.location?.query?.includes('FROM users'))
      .map((f) => [f.location?.route, f.location?.line]);
    expect(lookups.sort()).toEqual(
      [
        ['GET /articles', fixtureLine(APP, 'LIST USER')],
        ['GET /articles/:slug', fixtureLine(APP, 'DETAIL USER')],
      ].sort(),
    );
    // One window of the shared lookup, counted on each route (it was 0 on the second route).
    const windows = report.findings
      .filter((f) => f.id === 'probe.cache-candidate' && f.location?.query?.includes('FROM users'))
      .map((f) => f.impact?.description?.match(/in (\d+) window/)?.[1]);
    expect(windows).toEqual(['1', '1']);
  });
});
