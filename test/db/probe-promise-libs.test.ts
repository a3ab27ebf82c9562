/**
 * Request context through userland promise libraries, on real pg: bluebird 3.7 gets its async
 * hooks turned on by the probe and every query lands on its own route; Q (no such switch) is
 * detected, and the probe withholds its per-route findings with a notice instead of blaming the
 * wrong routes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgDatabase, pgExec } from './pg-scratch.js';
import { ROOT, startProbedApp } from './probe-harness.js';

let db: { url: string; drop: () => Promise<void> };

beforeAll(async () => {
  db = await createPgDatabase('rl_promises');
  await pgExec(db.url, [readFileSync(join(ROOT, 'test/fixtures/apps/db/schema.sql'), 'utf8')]);
}, 60_000);

afterAll(async () => {
  await db?.drop();
});

/** Light and heavy requests interleaved: 12 of each, all in flight together. */
async function mixedLoad(port: number): Promise<number[]> {
  const paths = Array.from({ length: 24 }, (_, i) => (i % 2 ? '/heavy' : '/light'));
  return Promise.all(
    paths.map(async (path) => {
      const response = await fetch(`http://127.0.0.1:${port}${path}`);
      await response.arrayBuffer();
      return response.status;
    }),
  );
}

const env = (lib: string) => ({ DATABASE_URL: db.url, PROMISE_LIB: lib, REDLINE_PROBE_N1_MS: '0' });

describe('the probe and userland promise libraries', () => {
  it('bluebird 3.7: async hooks turned on, each query on its own route, N+1 only on /heavy', async () => {
    const app = await startProbedApp('promise-lib-pg.mjs', env('bluebird'));
    expect(new Set(await mixedLoad(app.port))).toEqual(new Set([200]));
    const report = await app.stop();
    expect(report.stats?.promiseLibraries).toContainEqual({
      name: 'bluebird',
      version: '3.7.2',
      asyncHooks: 'enabled',
      keepsContext: true,
      loadedByApp: true,
    });
    const routes = Object.fromEntries(
      (report.stats?.routes ?? []).map((r) => [
        r.route,
        { requests: r.requests, queries: r.queries },
      ]),
    );
    expect(routes).toEqual({
      'GET /light': { requests: 12, queries: 12 },
      'GET /heavy': { requests: 12, queries: 12 * 8 },
    });
    const nPlusOne = report.findings.filter((f) => f.id === 'probe.n-plus-one');
    expect(nPlusOne.map((f) => f.location?.route)).toEqual(['GET /heavy']);
    expect(report.findings.map((f) => f.id)).not.toContain('probe.context-unreliable');
  });

  it('Q (no async hooks): detected, per-route findings withheld with a notice that says why', async () => {
    const app = await startProbedApp('promise-lib-pg.mjs', env('q'));
    expect(new Set(await mixedLoad(app.port))).toEqual(new Set([200]));
    const report = await app.stop();
    expect(report.stats?.promiseLibraries).toContainEqual({
      name: 'q',
      keepsContext: false,
      loadedByApp: true,
    });
    expect(report.findings.map((f) => f.id)).toEqual(['probe.context-unreliable']);
    expect(report.findings[0]?.title).toContain('q loses the request context');
  });
});
