/**
 * The leak verdict does not count the probe's own memory: a real Koa 3 + @koa/router service over
 * a real PostgreSQL, run with the built probe and the inspector, whose every request makes the
 * probe's bounded structures grow (a new query text and a new cache-tracker pair per request)
 * while the service itself keeps nothing. The audit's heap checkpoints (forced full GC, between
 * batches of requests) must find no leak there, and must still find the same service's planted
 * leak (2 KB kept per request). On the real koa service of docs/realapps.md the probe's filling
 * caches were reported as a 610–1,349 bytes-per-request "leak" before the probe's footprint was
 * subtracted. From a cold start (issue 14) the JIT's compiled code grows for thousands of requests:
 * the rule leaves it out, and Koa, Express and Fastify services keeping nothing read no leak at any
 * count from 1,000 to 2,000 requests, while the planted leak is found at each.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLeakCheck, fitTrafficTrend } from '../../src/audit/steps/leak-check.js';
import { type HeapCheckpoint, HeapCheckpoints } from '../../src/audit/target/heap-meter.js';
import { createPgDatabase, pgExec } from './pg-scratch.js';
import { BUILT_REGISTER, getMany, ROOT, startProbedApp } from './probe-harness.js';

let db: { url: string; drop: () => Promise<void> };

beforeAll(async () => {
  db = await createPgDatabase('rl_own_memory');
  await pgExec(db.url, [readFileSync(join(ROOT, 'test/fixtures/apps/db/schema.sql'), 'utf8')]);
}, 60_000);

afterAll(async () => {
  await db?.drop();
});

/** A port free right now on 127.0.0.1 (for the target's inspector). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

// The warm case: 2,250 requests after a 500-request warm-up, as an audit's soak comes after its
// baseline and load steps. The cold cases below start their checkpoints at the first request.
const WARMUP = 500;
const BATCHES = 9;
const PER_BATCH = 250;

/** A leak-free fixture app and the path it serves (`{id}`: a new number per request). */
interface Service {
  app: string;
  path: string;
}
const KOA: Service = { app: 'leak-koa.mjs', path: '/api/items/{id}' };

/** Runs the batches with a checkpoint after each (as the audit does between steps). */
async function audit(
  leakBytes: number,
  { service = KOA, warmup = WARMUP, batches = BATCHES, probe = true } = {},
) {
  const port = await freePort();
  const app = await startProbedApp(service.app, {
    DATABASE_URL: db.url,
    LEAK_BYTES: String(leakBytes),
    NODE_OPTIONS: `${probe ? `--import=${BUILT_REGISTER} ` : ''}--inspect=127.0.0.1:${port}`,
  });
  try {
    let id = 0;
    const get = async () => {
      id++;
      expect(await getMany(app.port, service.path.replace('{id}', String(id)), 1)).toEqual([200]);
    };
    for (let i = 0; i < warmup; i++) await get();
    const checkpoints = new HeapCheckpoints(`127.0.0.1:${port}`);
    await checkpoints.record(warmup);
    for (let b = 0; b < batches; b++) {
      for (let i = 0; i < PER_BATCH; i++) await get();
      await checkpoints.record(PER_BATCH);
    }
    return checkpoints.points;
  } finally {
    await app.stop().catch((error) => {
      if (probe) throw error;
    });
  }
}

describe('leak check on a real Koa service with the real probe', () => {
  it('no leak while only the probe’s own structures grow; the probe’s bytes are measured and taken out', async () => {
    const points = await audit(0);
    expect(points).toHaveLength(BATCHES + 1);
    expect(points.every((p) => (p.codeBytes ?? 0) > 0)).toBe(true);
    const probe = points.map((p) => p.probeBytes ?? 0);
    // The probe's structures grew with the distinct statements and pairs it saw after the warm-up
    // (about 190 kB in one run: some of them reach their caps), ...
    expect(probe[probe.length - 1]).toBeGreaterThan((probe[0] ?? 0) + 150 * 1024);
    // ...and the verdict on the application's heap (the probe's bytes taken out) is: no leak.
    const trend = fitTrafficTrend(points);
    expect(trend?.leaking, JSON.stringify({ points, trend })).toBe(false);
  }, 180_000);

  it('the planted leak (2 KB kept per request) is still found', async () => {
    const points = await audit(2048);
    const trend = fitTrafficTrend(points);
    expect(trend?.leaking, JSON.stringify({ points, trend })).toBe(true);
    expect(trend?.bytesPerRequest).toBeGreaterThan(1500);
  }, 180_000);
});

// From a cold start, checkpoints from the first request, 250 apart, up to 2,000 requests: leak-free
// services under the probe grow 345–630 bytes per request steadily over this whole span (JIT code
// and bytecode about half of it: bench/leak-warmup-code.mjs), a false leak at 1,000–2,000 requests
// while the rule counted compiled code. Each count from 1,000 to 2,000 is judged as an audit
// ending there would be.
const COLD = 8;
const COUNTS = [1000, 1250, 1500, 1750, 2000];
const verdictAt = (points: HeapCheckpoint[], requests: number) =>
  createLeakCheck({
    checkpoints: points.filter((p) => p.requests <= requests),
    requests: 0,
    durationMs: 0,
  });

describe('leak check from a cold start: warm-up (compiled code) is no leak', () => {
  const services: [string, Service][] = [
    ['Koa 3 + @koa/router', KOA],
    ['Express 5', { app: 'routes-express.mjs', path: '/api/authors/author-{id}' }],
    ['Fastify 5', { app: 'routes-fastify.mjs', path: '/api/authors/author-{id}' }],
  ];
  for (const [name, service] of services)
    it(`${name} keeping nothing, under the probe: no leak at any count from 1,000 to 2,000 requests`, async () => {
      const points = await audit(0, { service, warmup: 0, batches: COLD });
      expect(points).toHaveLength(COLD + 1);
      expect(points.every((p) => (p.codeBytes ?? 0) > 0)).toBe(true);
      for (const n of COUNTS) {
        const verdict = verdictAt(points, n);
        expect(verdict.check.leakSuspected, JSON.stringify({ n, points, verdict })).toBe(false);
      }
    }, 180_000);

  it('the planted leak (2 KB kept per request) is found at every count from 1,000 to 2,000', async () => {
    const points = await audit(2048, { warmup: 0, batches: COLD });
    for (const n of COUNTS) {
      const verdict = verdictAt(points, n);
      expect(verdict.check.leakSuspected, JSON.stringify({ n, points, verdict })).toBe(true);
      expect(verdict.trend?.bytesPerRequest).toBeGreaterThan(1500);
    }
  }, 180_000);
});
