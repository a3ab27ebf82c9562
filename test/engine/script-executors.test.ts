/**
 * Every executor against a counting server on loopback: iteration counts, VU counts over time and
 * arrival rates, with 1 and 2 shards.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScriptTest } from '../../src/engine/script-run/run-script.js';
import { startHttpServer, type TestServer } from '../helpers/servers.js';

const SCRIPT = fileURLToPath(new URL('../fixtures/scripts/executor-probe.ts', import.meta.url));
let server: TestServer;
const vusSeen = new Set<string>();

beforeAll(async () => {
  server = await startHttpServer((req, res) => {
    const vu = new URL(req.url ?? '/', 'http://x').searchParams.get('vu');
    if (vu) vusSeen.add(vu);
    res.end('ok');
  });
});
afterAll(() => server.close());

// One short run first: under vitest the first interval report of a worker can stall its thread for
// seconds (first-use transforms and compilation; measured 2.2 s on a busy CI machine, 1 ms from
// dist/), which would otherwise land inside the first timed scenario.
beforeAll(async () => {
  await run({ executor: 'shared-iterations', vus: 1, iterations: 1 });
}, 60_000);

async function run(scenario: Record<string, unknown>, workers = 1) {
  process.env['SCENARIO'] = JSON.stringify(scenario);
  process.env['BASE_URL'] = server.url;
  vusSeen.clear();
  const before = server.count();
  const out = await runScriptTest({ scriptPath: SCRIPT, workers });
  return { ...out, requests: server.count() - before };
}

describe('executors', () => {
  it.each([1, 2])('shared-iterations runs exactly the iterations (%i shards)', async (workers) => {
    const { result, requests } = await run(
      { executor: 'shared-iterations', vus: 4, iterations: 120 },
      workers,
    );
    expect(requests).toBe(120);
    expect(result.metrics['iterations']!.values['count']).toBe(120);
    expect(result.checks).toEqual([{ name: 'status is 200', path: '', passes: 120, fails: 0 }]);
    expect(vusSeen.size).toBeLessThanOrEqual(4);
  });

  it.each([1, 2])(
    'per-vu-iterations gives every VU its iterations (%i shards)',
    async (workers) => {
      const { result, requests } = await run(
        { executor: 'per-vu-iterations', vus: 3, iterations: 7 },
        workers,
      );
      expect(requests).toBe(21);
      expect(result.metrics['iterations']!.values['count']).toBe(21);
      expect([...vusSeen].sort()).toEqual(['1', '2', '3']);
    },
  );

  it('constant-vus keeps the VUs busy for the duration', async () => {
    const { result } = await run({ executor: 'constant-vus', vus: 3, duration: '1500ms' });
    expect(vusSeen.size).toBe(3);
    // As in k6, the VUs count as initialised from the first sample on.
    expect(result.metrics['vus_max']!.values).toMatchObject({ min: 3, max: 3 });
    expect(result.durationMs).toBeGreaterThanOrEqual(1400);
    // Ends with the duration, not after the 30 s graceful stop (loose: a busy CI machine stalls).
    expect(result.durationMs).toBeLessThan(10_000);
  });

  it.each([1, 2])('ramping-vus follows the stages up and down (%i shards)', async (workers) => {
    const { result } = await run(
      {
        executor: 'ramping-vus',
        startVUs: 0,
        stages: [
          { duration: '1s', target: 6 },
          { duration: '2s', target: 6 },
          { duration: '1s', target: 0 },
        ],
        gracefulRampDown: '0s',
      },
      workers,
    );
    expect(result.metrics['vus_max']!.values['max']).toBe(6);
    expect(result.metrics['vus']!.values['max']).toBe(6);
    const vus = result.timeline.map((p) => p.vus);
    expect(Math.max(...vus)).toBe(6);
    expect(vus.at(-1)).toBeLessThan(6);
  });

  it('interrupts sleeping VUs when the graceful stop ends', async () => {
    process.env['BASE_URL'] = server.url;
    const script = fileURLToPath(new URL('../fixtures/scripts/long-sleep.ts', import.meta.url));
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const timersBefore = timers();
    const started = performance.now();
    const { result } = await runScriptTest({ scriptPath: script });
    // The 60 s sleep timers were cleared, not left to keep the process alive (one shard runs here).
    expect(timers()).toBeLessThanOrEqual(timersBefore);
    // 1 s + 300 ms graceful stop, not the 60 s sleep; the interrupted iterations do not count.
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(result.durationMs).toBeLessThan(5_000);
    expect(result.metrics['iterations']?.values['count'] ?? 0).toBe(0);
    expect(result.metrics['http_reqs']!.values['count']).toBe(3);
  });

  it.each([1, 2])(
    'constant-arrival-rate starts iterations at the rate (%i shards)',
    async (workers) => {
      const { result, requests } = await run(
        {
          executor: 'constant-arrival-rate',
          rate: 40,
          timeUnit: '1s',
          duration: '2s',
          preAllocatedVUs: 4,
          maxVUs: 40,
        },
        workers,
      );
      // Every slot of the schedule (40/s for 2 s) either started or was dropped (a slow machine
      // can exhaust maxVUs); nothing is lost and nothing extra is started.
      const iterations = result.metrics['iterations']!.values['count']!;
      const dropped = result.metrics['dropped_iterations']?.values['count'] ?? 0;
      expect(iterations + dropped).toBe(80);
      // The pre-allocated VUs count from the first sample on, as in k6.
      expect(result.metrics['vus_max']!.values['min']).toBeGreaterThanOrEqual(4);
      expect(requests).toBe(iterations);
      expect(dropped).toBeLessThan(20);
    },
  );

  it('ramping-arrival-rate ramps the arrivals linearly', async () => {
    // 0 -> 60/s over 2 s: 60 arrivals in total, then 60/s for 1 s: 60 more.
    const { result, requests } = await run({
      executor: 'ramping-arrival-rate',
      startRate: 0,
      timeUnit: '1s',
      preAllocatedVUs: 5,
      maxVUs: 40,
      stages: [
        { duration: '2s', target: 60 },
        { duration: '1s', target: 60 },
      ],
    });
    const iterations = result.metrics['iterations']!.values['count']!;
    const dropped = result.metrics['dropped_iterations']?.values['count'] ?? 0;
    expect(Math.abs(iterations + dropped - 120)).toBeLessThanOrEqual(1);
    expect(requests).toBe(iterations);
    // Linear ramp: the first second gets about a quarter of the first stage's 60 arrivals.
    const first = result.timeline[0]!.requests + (result.timeline[0]!.dropped ?? 0);
    expect(first).toBeLessThan(40);
  });

  it('counts dropped iterations when maxVUs are all busy', async () => {
    const slow = await startHttpServer((_req, res) => setTimeout(() => res.end('slow'), 300));
    process.env['SCENARIO'] = JSON.stringify({
      executor: 'constant-arrival-rate',
      rate: 20,
      timeUnit: '1s',
      duration: '1s',
      preAllocatedVUs: 1,
      maxVUs: 2,
    });
    process.env['BASE_URL'] = slow.url;
    const { result } = await runScriptTest({ scriptPath: SCRIPT });
    await slow.close();
    const dropped = result.metrics['dropped_iterations']!.values['count']!;
    const done = result.metrics['iterations']!.values['count']!;
    expect(dropped).toBeGreaterThan(5);
    expect(done + dropped).toBeGreaterThanOrEqual(18);
  });
});
