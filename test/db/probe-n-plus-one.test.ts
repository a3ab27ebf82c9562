/** The probe on a real pg app: an N+1 loop is reported at its file:line; the JOIN twin is clean. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgDatabase, pgExec } from './pg-scratch.js';
import { getMany, ROOT, startProbedApp } from './probe-harness.js';

const APP_DIR = join(ROOT, 'test/fixtures/apps/db');
let db: { url: string; drop: () => Promise<void> };

beforeAll(async () => {
  db = await createPgDatabase('rl_probe');
  await pgExec(db.url, [readFileSync(join(APP_DIR, 'schema.sql'), 'utf8')]);
}, 60_000);

afterAll(async () => {
  await db?.drop();
});

function lineOf(file: string, marker: string): number {
  const lines = readFileSync(join(APP_DIR, file), 'utf8').split('\n');
  return lines.findIndex((l) => l.includes(marker)) + 1;
}

describe('probe N+1 detection over pg', () => {
  it('reports the N+1 loop with the route, the query and the file:line of the call', async () => {
    const app = await startProbedApp('authors-n-plus-one.mjs', { DATABASE_URL: db.url });
    expect(await getMany(app.port, '/authors', 4)).toEqual([200, 200, 200, 200]);
    const report = await app.stop();
    expect(report.ended).toBe(true);
    expect(report.hello?.drivers['pg']).toBeDefined();
    const finding = report.findings.find((f) => f.id === 'probe.n-plus-one');
    expect(finding, JSON.stringify(report.findings.map((f) => f.id))).toBeDefined();
    expect(finding?.location?.route).toBe('GET /authors');
    expect(finding?.location?.query).toBe('SELECT title FROM books WHERE author_id = $1');
    expect(finding?.location?.file).toBe('test/fixtures/apps/db/authors-n-plus-one.mjs');
    expect(finding?.location?.line).toBe(lineOf('authors-n-plus-one.mjs', 'N+1 HERE'));
    expect(finding?.impact?.timeMs).toBeGreaterThan(0);
    const route = report.stats?.routes.find((r) => r.route === 'GET /authors');
    expect(route?.requests).toBe(4);
    expect(route?.queries).toBe(4 * 301);
    expect(route?.dbMs).toBeGreaterThan(0);
  });

  it('reports the loop, not the data-access helpers every query goes through', async () => {
    const app = await startProbedApp('authors-wrapped.mjs', { DATABASE_URL: db.url });
    expect(await getMany(app.port, '/settings', 1)).toEqual([200]);
    expect(await getMany(app.port, '/count', 1)).toEqual([200]);
    expect(await getMany(app.port, '/authors', 3)).toEqual([200, 200, 200]);
    const report = await app.stop();
    const finding = report.findings.find((f) => f.id === 'probe.n-plus-one');
    expect(finding, JSON.stringify(report.findings.map((f) => f.id))).toBeDefined();
    expect(finding?.location).toMatchObject({
      route: 'GET /authors',
      file: 'test/fixtures/apps/db/authors-wrapped.mjs',
      line: lineOf('authors-wrapped.mjs', 'N+1 HERE'),
    });
  });

  it('reports no N+1 for the same listing done with a JOIN', async () => {
    const app = await startProbedApp('authors-join.mjs', { DATABASE_URL: db.url });
    expect(await getMany(app.port, '/authors', 4)).toEqual([200, 200, 200, 200]);
    const report = await app.stop();
    expect(report.findings.filter((f) => f.id === 'probe.n-plus-one')).toEqual([]);
    const route = report.stats?.routes.find((r) => r.route === 'GET /authors');
    expect(route?.queries).toBe(4);
  });
});
