/**
 * k6 execution segments on the real engine: every segment of a sequence runs as its own test
 * against a counting server on loopback, and the parts together are exactly the whole: the
 * iteration numbers of shared-iterations, per-vu-iterations and both arrival-rate executors
 * partition 0..N-1 (none twice, none missing), and the VUs each part holds (vus_max) add up to
 * the scenario's VUs for constant-vus and ramping-vus, with exec.vu.idInTest unique across them. With 1 and 2 shards per process.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScriptTest } from '../../src/engine/script-run/run-script.js';
import { startHttpServer, type TestServer } from '../helpers/servers.js';

const SCRIPT = fileURLToPath(new URL('../fixtures/scripts/segment-probe.js', import.meta.url));
let server: TestServer;
let seen: number[] = [];
let vus = new Set<number>();

beforeAll(async () => {
  server = await startHttpServer((req, res) => {
    const g = new URL(req.url ?? '/', 'http://x').searchParams.get('g');
    if (g !== null) seen.push(Number(g));
    const vu = new URL(req.url ?? '/', 'http://x').searchParams.get('vu');
    if (vu !== null) vus.add(Number(vu));
    res.end('ok');
  });
});
afterAll(() => server.close());

/** Runs `scenario` once per segment of `sequence`; the iteration numbers and vus_max of each part. */
async function runParts(scenario: Record<string, unknown>, sequence: string, workers = 1) {
  process.env['SCENARIO'] = JSON.stringify(scenario);
  process.env['BASE_URL'] = server.url;
  const points = sequence.split(',');
  const parts: Array<{ iterations: number[]; vusMax: number; vuIds: number[] }> = [];
  for (let i = 1; i < points.length; i++) {
    seen = [];
    vus = new Set();
    const { result } = await runScriptTest({
      scriptPath: SCRIPT,
      workers,
      cli: {
        executionSegment: `${points[i - 1]}:${points[i]}`,
        executionSegmentSequence: sequence,
      },
    });
    parts.push({
      iterations: [...seen],
      vuIds: [...vus],
      vusMax: result.metrics['vus_max']?.values['max'] ?? 0,
    });
  }
  return parts;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const union = (parts: Array<{ iterations: number[] }>) =>
  parts.flatMap((p) => p.iterations).sort((a, b) => a - b);

describe('execution segments on the engine', () => {
  it.each([
    ['0,1/4,1/2,3/4,1', 1],
    ['0,1/3,2/3,1', 2],
    ['0,1/10,1', 1],
  ] as const)(
    'shared-iterations: the parts of %s run iterations 0..N-1 once (%i shards)',
    async (sequence, workers) => {
      const parts = await runParts(
        { executor: 'shared-iterations', vus: 5, iterations: 31 },
        sequence,
        workers,
      );
      expect(union(parts)).toEqual(range(31));
      expect(parts.reduce((s, p) => s + p.vusMax, 0)).toBe(5);
    },
    60_000,
  );

  it('per-vu-iterations: the VUs are split, each keeps its iterations', async () => {
    const parts = await runParts(
      { executor: 'per-vu-iterations', vus: 7, iterations: 3 },
      '0,1/3,2/3,1',
    );
    expect(parts.map((p) => p.vusMax)).toEqual([3, 2, 2]);
    expect(parts.map((p) => p.iterations.length)).toEqual([9, 6, 6]);
  }, 60_000);

  it.each([
    ['0,1/4,1/2,3/4,1', 1],
    ['0,1/3,2/3,1', 2],
  ] as const)(
    'constant-arrival-rate: the parts of %s own disjoint slots covering all (%i shards)',
    async (sequence, workers) => {
      // 40 iterations/s for 1 s: slots 0..39.
      const parts = await runParts(
        {
          executor: 'constant-arrival-rate',
          rate: 40,
          duration: '1s',
          preAllocatedVUs: 10,
        },
        sequence,
        workers,
      );
      expect(union(parts)).toEqual(range(40));
      expect(parts.reduce((s, p) => s + p.vusMax, 0)).toBe(10);
    },
    60_000,
  );

  it('ramping-arrival-rate: the parts of 0,1/10,1 own disjoint slots covering all', async () => {
    // 0 → 40/s over 1 s: 20 iterations (slots 0..19), the first one at the start.
    const whole = await runParts(
      {
        executor: 'ramping-arrival-rate',
        startRate: 0,
        stages: [{ duration: '1s', target: 40 }],
        preAllocatedVUs: 10,
      },
      '0,1',
    );
    const parts = await runParts(
      {
        executor: 'ramping-arrival-rate',
        startRate: 0,
        stages: [{ duration: '1s', target: 40 }],
        preAllocatedVUs: 10,
      },
      '0,1/10,1',
    );
    expect(whole[0]!.iterations.length).toBeGreaterThan(0);
    expect(union(parts)).toEqual(union(whole));
    expect(parts[0]!.iterations.length).toBeLessThan(parts[1]!.iterations.length);
  }, 60_000);

  it('constant-vus and ramping-vus: the parts hold exactly the VUs of the whole', async () => {
    const constant = await runParts(
      { executor: 'constant-vus', vus: 10, duration: '1s' },
      '0,1/3,2/3,1',
    );
    expect(constant.map((p) => p.vusMax)).toEqual([4, 3, 3]);
    // exec.vu.idInTest is unique across the instances: together exactly 1..10.
    expect(constant.flatMap((p) => p.vuIds).sort((a, b) => a - b)).toEqual(
      range(10).map((i) => i + 1),
    );
    const ramping = await runParts(
      {
        executor: 'ramping-vus',
        startVUs: 0,
        stages: [
          { duration: '1s', target: 9 },
          { duration: '200ms', target: 0 },
        ],
        gracefulRampDown: '0s',
      },
      '0,1/4,1/2,3/4,1',
      2,
    );
    expect(ramping.reduce((s, p) => s + p.vusMax, 0)).toBe(9);
  }, 60_000);
});
