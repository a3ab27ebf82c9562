/** The probe on a real pg app: an N+1 loop is reported at its file:line; the JOIN twin is clean. */
import { spawnSync } from 'node:child_process';
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
    // One real execution (the slowest: any author of the loop), as the app sent it, pasteable
    // into db explain (which runs it).
    const command = finding?.evidence.find((e) => e.label === 'explain it')?.value as string;
    expect(command).toMatch(
      /^redline db explain 'SELECT title FROM books WHERE author_id = \$1' -p \d+ --db "\$DATABASE_URL"$/,
    );
    const run = spawnSync(
      'sh',
      ['-c', command.replace(/^redline /, `"${process.execPath}" bin/redline.js `)],
      {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, DATABASE_URL: db.url },
        timeout: 60_000,
      },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('books');
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

  it('a fast loop (40 quick queries, one request at a time) is an N+1 on every request, share honest', async () => {
    const app = await startProbedApp('profile-n-plus-one.mjs', { DATABASE_URL: db.url });
    expect(await getMany(app.port, '/', 6)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(await getMany(app.port, '/few', 3)).toEqual([200, 200, 200]);
    const report = await app.stop();
    expect(report.hello?.thresholds['nPlusOneMs']).toBe(0);
    const found = report.findings.filter((f) => f.id === 'probe.n-plus-one');
    expect(found).toHaveLength(1);
    const finding = found[0];
    expect(finding?.location).toMatchObject({
      route: 'GET /',
      file: 'test/fixtures/apps/db/profile-n-plus-one.mjs',
      line: lineOf('profile-n-plus-one.mjs', 'N+1 HERE'),
    });
    const evidence = Object.fromEntries(finding!.evidence.map((e) => [e.label, e.value]));
    const route = report.stats?.routes.find((r) => r.route === 'GET /');
    // Every request of the route is affected (no duration floor hides the fast ones) ...
    expect(evidence['affected requests']).toBe(route?.requests);
    expect(evidence['executions per request (max)']).toBe(40);
    expect(finding?.impact?.description).toContain('6 of 6 requests affected');
    // ... and the share is the loop's time over all of the route's time.
    expect(finding?.impact?.share).toBeCloseTo(
      (finding?.impact?.timeMs ?? 0) / (route?.totalMs ?? 1),
      2,
    );
    // Healthy: the same loop over 4 authors stays below the repetition threshold.
    expect(report.stats?.routes.find((r) => r.route === 'GET /few')?.queries).toBe(3 * 5);
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
