/**
 * k6 corpus, k6/http: every method and body form, batch in all entry forms, cookies, expected
 * statuses and HTTP sub-metric thresholds, test-wide HTTP options (hosts, userAgent,
 * discardResponseBodies, noConnectionReuse), the --host flag with a scheme downgrade, async
 * requests and timers, the k6 transform on helper patterns, TLS verification and http.url``.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startK6Server, type K6Server } from './helpers/k6-server.js';
import { checkCounts, metricValue, runCorpus } from './helpers/run-corpus.js';
import { startTlsServer } from './helpers/tls-server.js';

let server: K6Server;
beforeAll(async () => {
  server = await startK6Server();
});
afterAll(() => server.close());

/** Every check of the run passed `times` times and never failed. */
function expectAllChecks(
  run: Awaited<ReturnType<typeof runCorpus>>,
  count: number,
  times: number,
): void {
  expect(run.result.checks.map((c) => `${c.name}: ${c.passes}/${c.fails}`)).toEqual(
    run.result.checks.map((c) => `${c.name}: ${times}/0`),
  );
  expect(run.result.checks).toHaveLength(count);
}

describe('k6 corpus: k6/http', () => {
  it('03 methods, bodies, headers, redirects, gzip and json() selectors', async () => {
    const run = await runCorpus('03-http-methods.js', server.url);
    expect(run.exitCode).toBe(0);
    expectAllChecks(run, 21, 2);
    // 13 requests per iteration, the followed redirect counting as its own request (as k6).
    expect(metricValue(run, 'http_reqs', 'count')).toBe(26);
    expect(run.result.statusCodes).toEqual({ '200': 20, '302': 4, '404': 2 });
    expect(metricValue(run, 'http_req_failed', 'passes')).toBe(2);
  });

  it('04 batch: URL, array and object entries; array and object shapes', async () => {
    server.reset();
    const run = await runCorpus('04-batch.js', server.url);
    expect(run.exitCode).toBe(0);
    expectAllChecks(run, 6, 3);
    expect(metricValue(run, 'http_reqs', 'count')).toBe(21);
    expect([
      server.hits('/ok'),
      server.hits('/echo'),
      server.hits('/json'),
      server.hits('/status/404'),
    ]).toEqual([6, 6, 6, 3]);
    expect(run.totals.summarize('http_reqs', { name: 'batch-post' })?.sum).toBe(3);
  });

  it('05 cookies: the VU jar, response.cookies, per-request cookies, jar methods, reset per iteration', async () => {
    const run = await runCorpus('05-cookies.js', server.url);
    expect(run.exitCode).toBe(0);
    expectAllChecks(run, 10, 3);
  });

  it('11 expected statuses: setResponseCallback, per-request responseCallback, sub-metric thresholds', async () => {
    const run = await runCorpus('11-expected-statuses.js', server.url);
    expect(run.exitCode).toBe(0);
    expect(metricValue(run, 'http_req_failed', 'rate')).toBe(0.25);
    expect(metricValue(run, 'http_req_failed{status:500}', 'rate')).toBe(1);
    expect(metricValue(run, 'http_req_failed{status:404}', 'rate')).toBe(0);
    expect(metricValue(run, 'http_reqs{expected_response:false}', 'count')).toBe(4);
    expect(metricValue(run, 'http_req_duration{expected_response:true}', 'count')).toBe(12);
    expect(metricValue(run, 'http_req_duration{name:home}', 'count')).toBe(4);
    expect(run.result.thresholds).toHaveLength(7);
    expect(run.result.thresholds.filter((t) => !t.ok)).toEqual([]);
  });

  it('15 options: hosts, userAgent, discardResponseBodies, noConnectionReuse, summaryTrendStats', async () => {
    server.reset();
    const run = await runCorpus('15-http-options.js', server.url);
    expect(run.exitCode).toBe(0);
    expectAllChecks(run, 6, 3);
    expect(server.hits('/echo')).toBe(6);
    // noConnectionReuse: one connection per request.
    expect(server.connections()).toBe(6);
    expect(run.plan.options.summaryTrendStats).toEqual(['min', 'med', 'p(99)', 'max']);
  });

  it('16 --host and a scheme downgrade send a production script to the local server, unchanged', async () => {
    server.reset();
    const port = server.port;
    const run = await runCorpus('16-host-flag.js', server.url, {
      hosts: [
        `api.example.com=127.0.0.1:${port}`,
        `https://api.example.com=http://127.0.0.1:${port}`,
        `plain.example.com=127.0.0.1:${port}`,
      ],
    });
    expect(run.exitCode).toBe(0);
    expectAllChecks(run, 4, 2);
    expect([server.hits('/auth/login'), server.hits('/users/me'), server.hits('/ok')]).toEqual([
      2, 2, 2,
    ]);
    // The Host header and the url/name tags keep the production names.
    expect(server.seen.find((r) => r.path === '/users/me')?.headers.host).toBe('api.example.com');
    expect(
      run.totals.summarize('http_reqs', { url: 'https://api.example.com/users/me' })?.sum,
    ).toBe(2);
    expect(run.result.thresholds[0]).toMatchObject({
      metric: 'http_reqs{name:https://api.example.com/users/me}',
      ok: true,
    });
  });

  it('16 one --host name=address rule per host maps its http and https requests (no https rule needed)', async () => {
    server.reset();
    const port = server.port;
    const run = await runCorpus('16-host-flag.js', server.url, {
      hosts: [`api.example.com=127.0.0.1:${port}`, `plain.example.com=127.0.0.1:${port}`],
    });
    expect(run.exitCode).toBe(0);
    expectAllChecks(run, 4, 2);
    expect(run.result.errors).toEqual({});
    expect([server.hits('/auth/login'), server.hits('/users/me'), server.hits('/ok')]).toEqual([
      2, 2, 2,
    ]);
  });

  it('17 asyncRequest with Promise.all, k6/timers, an async default function', async () => {
    const run = await runCorpus('17-async-timers.js', server.url);
    expect(run.exitCode).toBe(0);
    expectAllChecks(run, 5, 2);
    expect(metricValue(run, 'http_reqs', 'count')).toBe(6);
  });

  it('19 the transform follows helpers across files, class methods, callbacks and array methods', async () => {
    const run = await runCorpus('19-transform-helpers.js', server.url);
    expect(run.exitCode).toBe(0);
    expect(run.scriptErrors).toEqual([]);
    expect(run.result.checks).toHaveLength(8);
    expect(run.result.checks.every((c) => c.passes === 2 && c.fails === 0)).toBe(true);
    expect(checkCounts(run, 'expression with a blocking call', '::in a group')).toEqual({
      passes: 2,
      fails: 0,
    });
    // login 1, items 1, retry 2, map 3, find 3, filter 3, forEach 3, template 2 = 18 + 1 in the group.
    expect(metricValue(run, 'http_reqs', 'count')).toBe(38);
  });

  it('20 insecureSkipTLSVerify: a self-signed certificate fails verification unless skipped', async () => {
    const tls = await startTlsServer();
    try {
      const strict = await runCorpus('20-insecure-tls.js', server.url, {
        env: { TLS_URL: tls.url },
      });
      expect(checkCounts(strict, 'tls error when verifying')).toEqual({ passes: 2, fails: 0 });
      expect(metricValue(strict, 'http_req_failed', 'rate')).toBe(1);
      const skipped = await runCorpus('20-insecure-tls.js', server.url, {
        env: { TLS_URL: tls.url, INSECURE: '1' },
      });
      expect(checkCounts(skipped, 'tls request ok')).toEqual({ passes: 2, fails: 0 });
      expect(metricValue(skipped, 'http_req_failed', 'rate')).toBe(0);
      expect(metricValue(skipped, 'http_req_tls_handshaking', 'max')).toBeGreaterThan(0);
    } finally {
      await tls.close();
    }
  });

  it('21 http.url`` and the name tag group dynamic URLs', async () => {
    const run = await runCorpus('21-url-template.js', server.url);
    expect(run.exitCode).toBe(0);
    expect(metricValue(run, 'http_reqs{name:${}/status/${}}', 'count')).toBe(4);
    expect(metricValue(run, 'http_reqs{name:items-by-id}', 'count')).toBe(4);
    expect(checkCounts(run, 'templated url sent')).toEqual({ passes: 4, fails: 0 });
  });
});
