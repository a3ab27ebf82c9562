/**
 * Round-trip rules on a real pg app: six sequential different queries per request are a chatty
 * request (the same six in parallel, or a short transaction, are not); a count(*) beside every
 * list page is reported (the page alone is not).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProbeReport } from '../../src/probe/index.js';
import { createPgDatabase, pgExec } from './pg-scratch.js';
import { fixtureLine, getMany, ROOT, startProbedApp } from './probe-harness.js';

const APP = 'round-trips-pg.mjs';
let db: { url: string; drop: () => Promise<void> };
let report: ProbeReport;

beforeAll(async () => {
  db = await createPgDatabase('rl_trips');
  await pgExec(db.url, [readFileSync(join(ROOT, 'test/fixtures/apps/db/schema.sql'), 'utf8')]);
  const app = await startProbedApp(APP, { DATABASE_URL: db.url });
  for (const path of [
    '/article',
    '/article-parallel',
    '/list',
    '/list-sub',
    '/list-derived',
    '/report-derived',
    '/list-nocount',
    '/tx',
  ])
    expect(await getMany(app.port, path, 4)).toEqual([200, 200, 200, 200]);
  report = await app.stop();
}, 60_000);

afterAll(async () => {
  await db?.drop();
});

const routesOf = (id: string) =>
  report.findings.filter((f) => f.id === id).map((f) => f.location?.route);

describe('chatty requests', () => {
  it('six sequential different queries per request: one finding on that route only', () => {
    expect(routesOf('probe.chatty-request')).toEqual(['GET /article']);
    const finding = report.findings.find((f) => f.id === 'probe.chatty-request');
    expect(finding?.title).toBe(
      'Chatty requests on GET /article: 6 sequential queries per request',
    );
    expect(finding?.evidence.find((e) => e.label === 'affected requests')?.value).toBe(4);
  });

  it('healthy: the same six in parallel, and a short transaction, are not chatty; nor is it an N+1', () => {
    expect(routesOf('probe.chatty-request')).not.toContain('GET /article-parallel');
    expect(routesOf('probe.chatty-request')).not.toContain('GET /tx');
    expect(routesOf('probe.n-plus-one')).toEqual([]);
  });
});

describe('count(*) on every list request', () => {
  it('reports the count beside the page at its line, on 100% of the list requests', () => {
    const found = report.findings.filter((f) => f.id === 'probe.count-per-list');
    expect(found.map((f) => f.location?.route).sort()).toEqual([
      'GET /list',
      'GET /list-derived',
      'GET /list-sub',
    ]);
    expect(found[0]?.location).toMatchObject({
      query: 'SELECT count(*) FROM orders',
      file: `test/fixtures/apps/db/${APP}`,
      line: fixtureLine(APP, 'COUNT HERE'),
    });
    expect(found[0]?.title).toContain('count(*) on 100% of list requests on GET /list');
    // PostgreSQL advice for a pg app (MariaDB's is in probe-count-mysql.test.ts).
    expect(found[0]?.recommendation.text).toContain('pg_class.reltuples');
    expect(found[0]?.recommendation.text).not.toMatch(/TABLE_ROWS|MariaDB/);
  });

  it('an ORM page as a derived table (Sequelize findAndCountAll): the count is found at its line', () => {
    const found = report.findings.find(
      (f) => f.id === 'probe.count-per-list' && f.location?.route === 'GET /list-derived',
    );
    expect(found?.location?.line).toBe(fixtureLine(APP, 'DERIVED COUNT HERE') - 2);
    // The title names the statement's own aggregate, not count(*).
    expect(found?.title).toMatch(/^count\(DISTINCT\("o"\."id"\)\) on 100% of list requests/);
  });

  it('healthy: a page without a count, and a count without a page (/article), raise nothing', () => {
    expect(routesOf('probe.count-per-list')).not.toContain('GET /list-nocount');
    expect(routesOf('probe.count-per-list')).not.toContain('GET /report-derived');
  });
});
