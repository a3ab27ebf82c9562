/**
 * Route templates learnt from real frameworks (Express 5, Koa 3 + @koa/router, Fastify 5, Hapi 21) over a
 * real PostgreSQL: three slugs of one route are one template, static routes stay as they are,
 * and an unmatched path falls back to the id/slug heuristic.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgDatabase, pgExec } from './pg-scratch.js';
import { getMany, ROOT, startProbedApp } from './probe-harness.js';

let db: { url: string; drop: () => Promise<void> };

beforeAll(async () => {
  db = await createPgDatabase('rl_routes');
  await pgExec(db.url, [readFileSync(join(ROOT, 'test/fixtures/apps/db/schema.sql'), 'utf8')]);
}, 60_000);

afterAll(async () => {
  await db?.drop();
});

const SLUGS = ['how-to-write-fast-code-12', 'a-tale-of-two-queries-7', 'the-index-story-3'];

describe.each([
  ['Express', 'routes-express.mjs'],
  ['Koa + @koa/router', 'routes-koa.mjs'],
  ['Fastify', 'routes-fastify.mjs'],
  ['Hapi', 'routes-hapi.mjs'],
])('%s: the probe learns the route template', (_name, file) => {
  it('one template for every slug, static routes kept, unmatched paths collapsed', async () => {
    const app = await startProbedApp(file, { DATABASE_URL: db.url });
    for (const slug of SLUGS)
      expect(await getMany(app.port, `/api/authors/${slug}`, 2)).toEqual([200, 200]);
    expect(await getMany(app.port, '/api/user-profile-settings', 1)).toEqual([200]);
    expect(await getMany(app.port, '/api/nothing/123', 1)).toEqual([404]);
    const report = await app.stop();
    const routes = Object.fromEntries(
      (report.stats?.routes ?? []).map((r) => [r.route, r.requests]),
    );
    expect(routes).toEqual({
      [`GET /api/authors/${file === 'routes-hapi.mjs' ? '{authorSlug}' : ':authorSlug'}`]: 6,
      'GET /api/user-profile-settings': 1,
      'GET /api/nothing/:id': 1,
    });
    // Findings name templates, never one raw slug.
    for (const finding of report.findings)
      expect(finding.location?.route ?? '').not.toMatch(/how-to|tale-of|index-story/);
  });
});

describe('Koa: a query that runs before the router matched the route', () => {
  it('is filed under the route the request got, not under its raw path', async () => {
    const app = await startProbedApp('routes-koa.mjs', { DATABASE_URL: db.url });
    // The same signed-in user on three authors' pages: the user lookup repeats with the same
    // parameters in 12 requests (a cache candidate), in a middleware that runs before koa-router.
    for (const name of ['alice', 'bob', 'carol'])
      expect(await getMany(app.port, `/api/authors/${name}?as=1`, 4)).toEqual([200, 200, 200, 200]);
    const report = await app.stop();
    const lookups = report.findings.filter(
      (f) => f.id === 'probe.cache-candidate' && f.location?.query?.includes('user_name'),
    );
    expect(lookups.map((f) => f.location?.route)).toEqual(['GET /api/authors/:authorSlug']);
    for (const finding of report.findings)
      expect(finding.location?.route ?? '').not.toMatch(/alice|bob|carol/);
  });
});
