/**
 * k6 semantics found wrong or missing on a corpus of public scripts (issue 15 §3), each checked
 * against a local server: form bodies, crypto hashers, metric constructors without `new`, ...
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startK6Server, type K6Server } from './helpers/k6-server.js';
import { checkCounts, metricValue, runCorpus } from './helpers/run-corpus.js';

let server: K6Server;
beforeAll(async () => {
  server = await startK6Server();
});
afterAll(() => server.close());

/** Every check of the run passed `times` times and never failed; there are `count` checks. */
function expectAllChecks(
  run: Awaited<ReturnType<typeof runCorpus>>,
  count: number,
  times: number,
): void {
  expect(run.scriptErrors).toEqual([]);
  expect(run.result.checks.map((c) => `${c.name}: ${c.passes}/${c.fails}`)).toEqual(
    run.result.checks.map((c) => `${c.name}: ${times}/0`),
  );
  expect(run.result.checks).toHaveLength(count);
}

describe('k6 semantics: request bodies', () => {
  it('form bodies repeat array keys, sort keys, escape as Go and send nested values empty with a warning', async () => {
    server.reset();
    const run = await runCorpus('semantics/form-bodies.js', server.url);
    expect(run.exitCode).toBe(0);
    expectAllChecks(run, 4, 1);
    const forms = server.seen.filter((r) =>
      String(r.headers['content-type']).startsWith('application/x-www-form-urlencoded'),
    );
    expect(forms).toHaveLength(3);
    expect(forms[0]?.body).toBe('size=large&topping=onion&topping=bacon');
    const nested = run.warnings.filter((w) => w.includes('nested'));
    expect(nested).toHaveLength(2);
    expect(nested[0]).toContain('"user"');
    expect(nested[1]).toContain('"list"');
  });
});

describe('k6 semantics: k6/crypto and k6/metrics', () => {
  it('digest() twice and update() after digest as Go hashes; Trend/Counter/Rate/Gauge without new', async () => {
    const run = await runCorpus('semantics/crypto-metrics.js', server.url);
    expect(run.exitCode).toBe(0);
    expectAllChecks(run, 7, 2);
    expect(metricValue(run, 'plain_trend', 'count')).toBe(2);
    expect(metricValue(run, 'plain_counter', 'count')).toBe(4);
    expect(metricValue(run, 'plain_rate', 'rate')).toBe(1);
    expect(metricValue(run, 'plain_gauge', 'value')).toBe(7);
    expect(metricValue(run, 'new_trend', 'count')).toBe(2);
    expect(run.result.metrics['plain_trend']?.contains).toBe('time');
    expect(run.result.thresholds.map((t) => t.ok)).toEqual([true, true]);
    expect(checkCounts(run, 'digest twice gives the same value')).toEqual({ passes: 2, fails: 0 });
  });
});

describe('k6 semantics: options and thresholds', () => {
  it('ignores k6 command-line settings and unknown names in options with a warning; judges empty (sub-)metrics as k6', async () => {
    const run = await runCorpus('semantics/options-thresholds.js', server.url);
    // avg>0 on an empty sub-metric reads avg=0 and fails, as in k6: exit 99.
    expect(run.exitCode).toBe(99);
    expect(metricValue(run, 'http_reqs', 'count')).toBe(2);
    const ignored = run.warnings.filter((w) => w.includes('ignored'));
    expect(ignored.map((w) => w.split(':')[0])).toEqual([
      'options.logOutput',
      'options.logFormat',
      'options.myAppConfig',
    ]);
    expect(
      run.result.thresholds.map((t) => [t.metric, t.expression, t.ok, t.observed ?? null]),
    ).toEqual([
      ['http_req_duration{status:500}', 'p(95)<100', true, 0],
      ['http_req_duration{name:nothing}', 'avg>0', false, 0],
      ['never_counter', 'count<1', true, 0],
      ['never_rate', 'rate>0.5', true, null],
    ]);
  });
});

describe('k6 semantics: the transform follows arrays of functions, check() predicates and describe()', () => {
  it('runs the random-flow pattern, a request inside check() and a k6chaijs-style describe() unchanged', async () => {
    server.reset();
    const run = await runCorpus('semantics/flows-checks.js', server.url);
    expect(run.exitCode).toBe(0);
    expectAllChecks(run, 5, 4);
    // Per iteration: 1 random flow + 2 in the loop + 1 named + 1 in the check + 1 described.
    expect(metricValue(run, 'http_reqs', 'count')).toBe(24);
    expect(run.totals.summarize('http_reqs', { name: 'browse' })?.sum).toBe(6);
    expect(run.totals.summarize('http_reqs', { name: 'buy' })?.sum).toBe(6);
    expect(run.totals.summarize('http_reqs', { name: 'in-check' })?.sum).toBe(4);
    expect(checkCounts(run, 'described ok', '::chai-style')).toEqual({ passes: 4, fails: 0 });
    expect(run.totals.summarize('group_duration', { group: '::chai-style' })?.count).toBe(4);
  });
});
