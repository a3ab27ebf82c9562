/** The probe's other database findings on a real pg app, plus mysql2 and PGlite instrumentation. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMysqlDatabase, createPgDatabase, mysqlExec, pgExec } from './pg-scratch.js';
import { getMany, ROOT, startProbedApp } from './probe-harness.js';

const APP_DIR = join(ROOT, 'test/fixtures/apps/db');
let pgDb: { url: string; drop: () => Promise<void> };

beforeAll(async () => {
  pgDb = await createPgDatabase('rl_probe_ap');
  await pgExec(pgDb.url, [readFileSync(join(APP_DIR, 'schema.sql'), 'utf8')]);
}, 60_000);

afterAll(async () => {
  await pgDb?.drop();
});

function lineOf(file: string, marker: string): number {
  return (
    readFileSync(join(APP_DIR, file), 'utf8')
      .split('\n')
      .findIndex((l) => l.includes(marker)) + 1
  );
}

describe('probe anti-pattern findings over pg', () => {
  it('reports SELECT *, missing pagination, a cache candidate and pool waits at their call sites', async () => {
    const app = await startProbedApp('antipatterns-pg.mjs', { DATABASE_URL: pgDb.url });
    await getMany(app.port, '/orders/summary', 3);
    await getMany(app.port, '/orders/export', 2);
    await getMany(app.port, '/settings', 30);
    await getMany(app.port, '/proxy', 2);
    // Six concurrent requests on a one-connection pool: five of them queue.
    const statuses = await Promise.all(
      Array.from({ length: 6 }, () =>
        fetch(`http://127.0.0.1:${app.port}/slow`).then((r) => r.status),
      ),
    );
    expect(statuses.every((s) => s === 200)).toBe(true);
    const report = await app.stop();
    const byId = (id: string) => report.findings.find((f) => f.id === id);
    const file = 'test/fixtures/apps/db/antipatterns-pg.mjs';

    const star = byId('probe.select-star');
    expect(star?.location).toMatchObject({
      route: 'GET /orders/summary',
      file,
      line: lineOf('antipatterns-pg.mjs', 'SELECT STAR HERE'),
    });
    expect(star?.evidence.find((e) => e.label === 'columns read (sampled rows)')?.value).toBe(2);

    const page = byId('probe.no-pagination');
    expect(page?.location).toMatchObject({
      route: 'GET /orders/export',
      file,
      line: lineOf('antipatterns-pg.mjs', 'NO LIMIT HERE'),
    });
    expect(page?.evidence.find((e) => e.label === 'max rows returned')?.value).toBe(3000);

    const cache = byId('probe.cache-candidate');
    expect(cache?.location).toMatchObject({
      route: 'GET /settings',
      file,
      line: lineOf('antipatterns-pg.mjs', 'CACHE HERE'),
    });
    expect(cache?.impact?.timeMs).toBeGreaterThan(0);
    // The saving counts all 32 executions (30 + the 2 /proxy makes), not the first 10: every one
    // but the window's first.
    expect(cache?.impact?.description).toContain('fetched 32× in 1 window(s)');
    const settings = report.stats?.routes.find((r) => r.route === 'GET /settings');
    expect(cache?.impact?.timeMs).toBeLessThanOrEqual(settings?.dbMs ?? 0);
    // A string parameter never reaches the output: a placeholder stands in for 'currency'.
    expect(cache?.evidence.find((e) => e.label === 'explain it')?.value).toBe(
      `redline db explain 'SELECT value FROM settings WHERE key = $1' -p '<text 1>' --db "$DATABASE_URL"`,
    );
    // (No broader "currency" check: orders has a column of that name, which findings may list.)

    const wait = byId('probe.pool-wait');
    expect(wait?.location?.route).toBe('GET /slow');
    expect(
      wait?.evidence.find((e) => e.label === 'requests that waited')?.value,
    ).toBeGreaterThanOrEqual(3);
    // A queue of requests on one connection, each releasing it right after its statement: the
    // wait is the queue, never "connections held too long" (no request here holds one).
    expect(wait?.rootCause).toMatch(/more requests needed one at once than the pool holds/);
    expect(`${wait?.rootCause} ${wait?.recommendation.text}`).not.toMatch(/held too long/);

    // Nothing else is invented: the healthy routes raise no N+1.
    expect(byId('probe.n-plus-one')).toBeUndefined();
    expect(report.stats?.pools.length).toBe(2);
    const proxy = report.stats?.routes.find((r) => r.route === 'GET /proxy');
    expect(proxy?.httpClientMs).toBeGreaterThan(0);
  });
});

describe('probe over mysql2 and PGlite', () => {
  it('reports the mysql2/promise N+1 loop at its line', async () => {
    const my = await createMysqlDatabase('rl_probe_my');
    try {
      await mysqlExec(my.url, [
        'CREATE TABLE authors (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL)',
        'CREATE TABLE books (id INT PRIMARY KEY AUTO_INCREMENT, author_id INT NOT NULL, title VARCHAR(40) NOT NULL, KEY (author_id))',
        "INSERT INTO authors SELECT seq, CONCAT('author ', seq) FROM seq_1_to_300",
        "INSERT INTO books (author_id, title) SELECT seq % 300 + 1, CONCAT('book ', seq) FROM seq_1_to_1200",
      ]);
      const app = await startProbedApp('authors-mysql2.mjs', { DATABASE_URL: my.url });
      expect(await getMany(app.port, '/authors', 3)).toEqual([200, 200, 200]);
      const report = await app.stop();
      const finding = report.findings.find((f) => f.id === 'probe.n-plus-one');
      expect(finding?.location).toMatchObject({
        route: 'GET /authors',
        query: 'SELECT title FROM books WHERE author_id = ?',
        file: 'test/fixtures/apps/db/authors-mysql2.mjs',
        line: lineOf('authors-mysql2.mjs', 'N+1 HERE'),
      });
      expect(report.stats?.routes[0]?.queries).toBe(3 * 301);
    } finally {
      await my.drop();
    }
  });

  it('reports the PGlite N+1 loop at its line (with a lowered time threshold: PGlite is in-process)', async () => {
    // PGlite boots a WASM PostgreSQL in the app: allow it a minute on a busy 2-core machine.
    const app = await startProbedApp(
      'authors-pglite.mjs',
      { REDLINE_PROBE_N1_MS: '1' },
      true,
      80_000,
    );
    expect(await getMany(app.port, '/authors', 2)).toEqual([200, 200]);
    const report = await app.stop();
    const finding = report.findings.find((f) => f.id === 'probe.n-plus-one');
    expect(finding?.location).toMatchObject({
      route: 'GET /authors',
      file: 'test/fixtures/apps/db/authors-pglite.mjs',
      line: lineOf('authors-pglite.mjs', 'N+1 HERE'),
    });
  }, 150_000);
});
