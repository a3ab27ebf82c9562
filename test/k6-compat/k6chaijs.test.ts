/**
 * jslib's k6chaijs served natively (src/script/modules/jslib/k6chaijs.ts), run unchanged against
 * a local server: requests inside describe(), expect() checks named as k6chaijs names them, a
 * failed assertion or an exception failing only its describe (the iteration goes on), group
 * tags as group() gives them, and k6chaijs' settings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type K6Server, startK6Server } from './helpers/k6-server.js';
import { checkCounts, metricValue, runCorpus } from './helpers/run-corpus.js';

let server: K6Server;
beforeAll(async () => {
  server = await startK6Server();
});
afterAll(() => server.close());

describe('k6chaijs (native): describe() with requests and expect()', () => {
  it('awaits the requests in describe(), records each expect() as a check in the group, and fails only the describe', async () => {
    server.reset();
    const run = await runCorpus('jslib/k6chaijs-describe.js', server.url);
    expect(run.exitCode).toBe(0);
    // No iteration failed: the failed assertion and the exception stayed inside their describe.
    expect(run.scriptErrors).toEqual([]);
    expect(metricValue(run, 'iterations', 'count')).toBe(2);
    // Aggregated names (k6chaijs' default): the label given to expect() or ${this}.
    expect(checkCounts(run, 'expected status to equal 200', '::fetch')).toEqual({ passes: 2, fails: 0 });
    expect(checkCounts(run, 'has valid json body', '::fetch')).toEqual({ passes: 2, fails: 0 });
    expect(checkCounts(run, 'expected number of items to be above 1', '::fetch')).toEqual({ passes: 2, fails: 0 });
    expect(checkCounts(run, "expected ${this} to equal 'Ada'", '::fetch')).toEqual({ passes: 2, fails: 0 });
    expect(checkCounts(run, 'expected status to equal 200', '::failing')).toEqual({ passes: 0, fails: 2 });
    const raised = run.result.checks.filter((c) => c.path === '::exception');
    expect(raised).toHaveLength(1);
    expect(raised[0]?.name).toMatch(/^Exception raised ".+"$/);
    expect(raised[0]).toMatchObject({ passes: 0, fails: 2 });
    expect(checkCounts(run, 'expected ${this} to be within 8..12', '::no requests')).toEqual({ passes: 2, fails: 0 });
    expect(checkCounts(run, "expected ${this} to not have property 'b'", '::no requests')).toEqual({ passes: 2, fails: 0 });
    expect(checkCounts(run, 'describe() results')).toEqual({ passes: 2, fails: 0 });
    // Requests carry the describe's group tag, as group() gives it; group_duration per describe.
    expect(run.totals.summarize('http_reqs', { group: '::fetch' })?.sum).toBe(2);
    expect(run.totals.summarize('http_reqs', { group: '::failing' })?.sum).toBe(2);
    expect(run.totals.summarize('http_reqs', { group: '::exception' })?.sum).toBe(2);
    expect(run.totals.summarize('group_duration', { group: '::fetch' })?.count).toBe(2);
    expect(run.totals.summarize('group_duration', { group: '::no requests' })?.count).toBe(2);
    // The failed expect() ended its describe; the code after the describes ran.
    expect(run.totals.summarize('http_reqs', { name: 'after-failed-expect' })?.sum ?? 0).toBe(0);
    expect(run.totals.summarize('http_reqs', { name: 'after-describes' })?.sum).toBe(2);
    expect(metricValue(run, 'http_reqs', 'count')).toBe(8);
  });

  it('names checks per value without aggregation, anonymizes values, fails validJsonBody() on text, and aborts the test with exitOnError', async () => {
    server.reset();
    const run = await runCorpus('jslib/k6chaijs-config.js', server.url);
    expect(run.exitCode).toBe(0);
    expect(run.scriptErrors).toEqual([]);
    expect(checkCounts(run, 'status: expected 200 to equal 200', '::token')).toEqual({ passes: 3, fails: 0 });
    expect(checkCounts(run, 'expected <anonymized> to be a string', '::token')).toEqual({ passes: 3, fails: 0 });
    expect(checkCounts(run, 'roles: expected 2 to equal 3', '::token')).toEqual({ passes: 0, fails: 3 });
    expect(JSON.stringify(run.result.checks)).not.toContain('secret-token');
    expect(checkCounts(run, 'has valid json body', '::plain text')).toEqual({ passes: 0, fails: 3 });
    expect(metricValue(run, 'http_reqs', 'count')).toBe(6);

    server.reset();
    const aborted = await runCorpus('jslib/k6chaijs-config.js', server.url, { env: ['EXIT_ON_ERROR=1'] });
    expect(aborted.exitCode).toBe(108);
    expect(checkCounts(aborted, 'roles: expected 2 to equal 3', '::token')).toEqual({ passes: 0, fails: 1 });
    expect(metricValue(aborted, 'http_reqs', 'count')).toBe(1);
  });
});
