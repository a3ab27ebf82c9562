/**
 * k6 corpus, execution: SharedArray and open() (also in worker threads), several scenarios with
 * every executor, exec functions, scenario tags and env, options.stages, and abortOnFail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startK6Server, type K6Server } from './helpers/k6-server.js';
import { checkCounts, metricValue, runCorpus } from './helpers/run-corpus.js';

let server: K6Server;
beforeAll(async () => {
  server = await startK6Server();
});
afterAll(() => server.close());

describe('k6 corpus: scenarios and data', () => {
  it.each([1, 2])(
    '06 SharedArray and open() in the init context, read with __VU and __ITER (%i worker threads)',
    async (workers) => {
      const run = await runCorpus('06-shared-array-open.js', server.url, {}, workers);
      expect(run.exitCode).toBe(0);
      expect(run.scriptErrors).toEqual([]);
      expect(run.result.checks).toHaveLength(8);
      expect(run.result.checks.every((c) => c.passes === 6 && c.fails === 0)).toBe(true);
      expect(run.totals.summarize('http_reqs', { plan: 'free' })?.sum).toBeGreaterThan(0);
      expect(metricValue(run, 'iterations', 'count')).toBe(6);
    },
  );

  it.each([1, 2])(
    '07 several scenarios with every executor, exec, tags, env and startTime (%i worker threads)',
    async (workers) => {
      const run = await runCorpus('07-scenarios-executors.js', server.url, {}, workers);
      expect(run.exitCode).toBe(0);
      expect(run.scriptErrors).toEqual([]);
      expect(run.plan.scenarios.map((s) => `${s.name}:${s.executor}`).sort()).toEqual([
        'api:constant-arrival-rate',
        'arrivals:ramping-arrival-rate',
        'browse:constant-vus',
        'buy:shared-iterations',
        'each:per-vu-iterations',
        'ramp:ramping-vus',
      ]);
      expect(metricValue(run, 'http_reqs{scenario:buy}', 'count')).toBe(6);
      expect(metricValue(run, 'http_reqs{scenario:each}', 'count')).toBe(4);
      expect(checkCounts(run, 'scenario env')).toEqual({ passes: 6, fails: 0 });
      expect(checkCounts(run, 'scenario name')).toEqual({ passes: 6, fails: 0 });
      const perScenario = (name: string) =>
        run.totals.summarize('iterations', { scenario: name })?.sum ?? 0;
      // Arrival rates: 10/s for 1 s, and 4 -> 8/s over 1 s; counts, not timings, with a wide margin.
      expect(perScenario('api')).toBeGreaterThanOrEqual(7);
      expect(perScenario('api')).toBeLessThanOrEqual(12);
      expect(perScenario('arrivals')).toBeGreaterThanOrEqual(3);
      expect(perScenario('browse')).toBeGreaterThan(2);
      expect(perScenario('ramp')).toBeGreaterThan(0);
      expect(metricValue(run, 'iterations{flow:browse}', 'count')).toBe(perScenario('browse'));
      expect(run.result.thresholds.every((t) => t.ok)).toBe(true);
    },
  );

  it('12 abortOnFail stops the test early with exit code 99 and reports every threshold', async () => {
    const started = Date.now();
    const run = await runCorpus('12-abort-on-fail.js', server.url);
    expect(run.exitCode).toBe(99);
    expect(run.result.reason).toBe('aborted-by-threshold');
    // The scenario asks for 20 s; the abort comes after delayAbortEval (300 ms) at the next evaluation.
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(run.result.thresholds.map((t) => [t.metric, t.expression, t.ok])).toEqual([
      ['checks', 'rate>0.9', false],
      ['http_reqs', 'count>0', true],
    ]);
    expect(checkCounts(run, 'is 200')?.passes).toBe(0);
  });

  it('22 options.stages ramps VUs up and down (the ramping-vus shortcut)', async () => {
    const run = await runCorpus('22-stages.js', server.url);
    expect(run.exitCode).toBe(0);
    expect(run.plan.scenarios[0]).toMatchObject({ name: 'default', executor: 'ramping-vus' });
    expect(metricValue(run, 'vus_max', 'value')).toBe(4);
    expect(metricValue(run, 'vus', 'max')).toBeGreaterThanOrEqual(3);
    expect(metricValue(run, 'http_reqs', 'count')).toBeGreaterThan(10);
    expect(run.result.thresholds.every((t) => t.ok)).toBe(true);
  });
});
