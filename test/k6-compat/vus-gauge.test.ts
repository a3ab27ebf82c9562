/**
 * The `vus` gauge is sampled while the test runs, as k6 does: its value at the end is the last
 * value the test ran with (not the 0 left after every VU finished), so thresholds on it hold.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type K6Server, startK6Server } from './helpers/k6-server.js';
import { metricValue, runCorpus, thresholdOk } from './helpers/run-corpus.js';

let server: K6Server;
beforeAll(async () => {
  server = await startK6Server();
});
afterAll(() => server.close());

describe('the vus gauge', () => {
  it("ends at the steady VU count: vus: ['value>2'] holds on a 3-VU test", async () => {
    const run = await runCorpus('vus/steady.js', server.url);
    expect(metricValue(run, 'vus', 'value')).toBe(3);
    expect(metricValue(run, 'vus', 'max')).toBe(3);
    expect(thresholdOk(run, 'vus', 'value>2')).toBe(true);
    expect(thresholdOk(run, 'vus_max', 'value==3')).toBe(true);
    expect(run.exitCode).toBe(0);
  });

  it('the same with 2 worker threads (each shard contributes its share)', async () => {
    const run = await runCorpus('vus/steady.js', server.url, {}, 2);
    expect(metricValue(run, 'vus', 'value')).toBe(3);
    expect(run.exitCode).toBe(0);
  });

  it('sees the one VU of a single short iteration', async () => {
    const run = await runCorpus('vus/one-iteration.js', server.url);
    expect(metricValue(run, 'vus', 'value')).toBe(1);
    expect(run.exitCode).toBe(0);
  });

  it('ends a ramp down to 0 at 0, with the peak as max', async () => {
    const run = await runCorpus('vus/ramp-down.js', server.url);
    expect(metricValue(run, 'vus', 'value')).toBe(0);
    expect(metricValue(run, 'vus', 'max')).toBe(4);
    expect(run.exitCode).toBe(0);
  });

  it('follows scenarios that end while others run: last value 3, peak 5', async () => {
    const run = await runCorpus('vus/scenarios.js', server.url);
    expect(metricValue(run, 'vus', 'value')).toBe(3);
    expect(metricValue(run, 'vus', 'max')).toBe(5);
    expect(run.exitCode).toBe(0);
  });
});
