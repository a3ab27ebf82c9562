/**
 * k6 corpus, core API: checks with tags, nested groups, setup/teardown data, custom metrics with
 * sub-metric thresholds, k6/execution, k6/encoding and k6/crypto, fail() and iteration errors,
 * http.file uploads and randomSeed. Each script runs unchanged; the test asserts what it produces.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startK6Server, type K6Server } from './helpers/k6-server.js';
import { checkCounts, metricValue, runCorpus, thresholdOk } from './helpers/run-corpus.js';

let server: K6Server;
beforeAll(async () => {
  server = await startK6Server();
});
afterAll(() => server.close());

describe('k6 corpus: core API', () => {
  it('01 checks: predicates, booleans, per-check tags and thresholds on checks sub-metrics', async () => {
    const run = await runCorpus('01-checks-tags.js', server.url);
    expect(run.exitCode).toBe(0);
    expect(checkCounts(run, 'status is 200')).toEqual({ passes: 10, fails: 0 });
    expect(checkCounts(run, 'never true')).toEqual({ passes: 0, fails: 10 });
    expect(checkCounts(run, 'plain boolean')).toEqual({ passes: 10, fails: 0 });
    expect(metricValue(run, 'checks', 'rate')).toBeCloseTo(0.8, 5);
    expect(metricValue(run, 'checks{kind:status}', 'rate')).toBe(1);
    expect(metricValue(run, 'checks{kind:body}', 'passes')).toBe(20);
    expect(run.result.thresholds).toHaveLength(3);
    expect(run.result.thresholds.every((t) => t.ok)).toBe(true);
    expect(run.warnings.filter((w) => w.includes('delayAbortEval'))).toEqual([]);
  });

  it('02 nested groups: ::outer::inner paths, group_duration per group, group() returns its result', async () => {
    const run = await runCorpus('02-groups-nested.js', server.url);
    expect(run.exitCode).toBe(0);
    expect(checkCounts(run, 'added', '::shop::cart')).toEqual({ passes: 8, fails: 0 });
    expect(checkCounts(run, 'account ok', '::account')).toEqual({ passes: 4, fails: 0 });
    expect(checkCounts(run, 'group returns the function result')).toEqual({ passes: 4, fails: 0 });
    expect(metricValue(run, 'group_duration', 'count')).toBe(12);
    expect(metricValue(run, 'http_reqs{group:::shop::cart}', 'count')).toBe(8);
    expect(run.totals.summarize('http_reqs', { group: '::shop' })?.sum).toBe(4);
    expect(run.result.thresholds.map((t) => [t.metric, t.ok])).toEqual([
      ['group_duration{group:::shop}', true],
      ['group_duration{group:::shop::cart}', true],
      ['group_duration{group:::shop::cart}', true],
      ['http_reqs{group:::shop::cart}', true],
    ]);
  });

  it('08 setup() data reaches every VU as its own JSON copy; teardown(data) runs and its requests count', async () => {
    server.reset();
    const run = await runCorpus('08-setup-teardown.js', server.url);
    expect(run.exitCode).toBe(0);
    expect(checkCounts(run, 'setup logged in', '::setup')).toEqual({ passes: 1, fails: 0 });
    expect(checkCounts(run, 'token from setup works')).toEqual({ passes: 6, fails: 0 });
    expect(checkCounts(run, 'data is JSON (a Date became a string)')).toEqual({
      passes: 6,
      fails: 0,
    });
    expect(checkCounts(run, 'data is per VU')).toEqual({ passes: 6, fails: 0 });
    expect(checkCounts(run, 'teardown gets setup data', '::teardown')).toEqual({
      passes: 1,
      fails: 0,
    });
    expect(server.hits('/auth/login')).toBe(1);
    expect(server.hits('/echo')).toBe(1);
    expect(metricValue(run, 'http_reqs', 'count')).toBe(8);
  });

  it('10 custom Counter, Gauge, Rate and Trend with tags and thresholds on their sub-metrics', async () => {
    const run = await runCorpus('10-custom-metrics.js', server.url);
    expect(run.exitCode).toBe(0);
    expect(run.result.metrics['orders_placed']).toMatchObject({
      type: 'counter',
      values: { count: 10 },
    });
    expect(run.result.metrics['queue_depth']).toMatchObject({
      type: 'gauge',
      values: { value: 5, min: 1, max: 5 },
    });
    expect(run.result.metrics['order_success']).toMatchObject({
      type: 'rate',
      values: { passes: 9, fails: 1 },
    });
    expect(run.result.metrics['order_latency']).toMatchObject({
      type: 'trend',
      contains: 'time',
      values: { count: 5 },
    });
    expect(run.result.metrics['payload_size']).toMatchObject({
      type: 'trend',
      contains: 'default',
      values: { min: 10, max: 90, avg: 50 },
    });
    expect(metricValue(run, 'orders_placed{kind:express}', 'count')).toBe(5);
    expect(metricValue(run, 'order_success{kind:express}', 'rate')).toBe(1);
    expect(run.result.thresholds).toHaveLength(10);
    expect(run.result.thresholds.filter((t) => !t.ok)).toEqual([]);
  });

  it('13 k6/execution: VU and scenario identity, vu.tags on metrics, agreeing with __VU and __ITER', async () => {
    server.reset();
    const run = await runCorpus('13-execution.js', server.url);
    expect(run.exitCode).toBe(0);
    for (const name of [
      'vu id matches __VU',
      'iteration matches __ITER',
      'scenario info',
      'iterationInTest in range',
      'instance counters',
      'test options',
    ]) {
      expect(checkCounts(run, name), name).toEqual({ passes: 9, fails: 0 });
    }
    expect(metricValue(run, 'http_reqs{tier:gold}', 'count')).toBe(9);
    const sent = server.seen.map((r) => new URL(r.url, 'http://x').searchParams);
    expect(sent.map((q) => Number(q.get('iter'))).sort((a, b) => a - b)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8,
    ]);
    expect(new Set(sent.map((q) => q.get('vu'))).size).toBeLessThanOrEqual(3);
  });

  it('14 k6/encoding and k6/crypto give the known vectors', async () => {
    const run = await runCorpus('14-encoding-crypto.js', server.url);
    expect(run.exitCode).toBe(0);
    expect(run.result.checks).toHaveLength(14);
    expect(run.result.checks.filter((c) => c.fails > 0 || c.passes !== 1)).toEqual([]);
  });

  it('18 fail() and exceptions end the iteration, are counted with an error tag, and the test goes on', async () => {
    const run = await runCorpus('18-fail-and-errors.js', server.url);
    expect(run.exitCode).toBe(0);
    expect(metricValue(run, 'iterations', 'count')).toBe(6);
    expect(metricValue(run, 'http_reqs', 'count')).toBe(6);
    expect(checkCounts(run, 'reached the end')).toEqual({ passes: 2, fails: 0 });
    expect(run.totals.summarize('iterations', { error: 'unlucky iteration 1' })?.sum).toBe(2);
    expect(
      run.scriptErrors.some(
        (e) => e.includes('unlucky iteration 1') && e.includes('18-fail-and-errors.js:9'),
      ),
    ).toBe(true);
    expect(
      run.scriptErrors.some(
        (e) => e.includes('SyntaxError') && e.includes('18-fail-and-errors.js:10'),
      ),
    ).toBe(true);
  });

  it('23 http.file() multipart uploads and randomSeed()', async () => {
    const run = await runCorpus('23-upload-random.js', server.url);
    expect(run.exitCode).toBe(0);
    expect(run.result.checks).toHaveLength(5);
    expect(run.result.checks.every((c) => c.passes === 2 && c.fails === 0)).toBe(true);
  });
});
