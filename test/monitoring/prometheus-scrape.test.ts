// The exposition endpoint scraped by a real Prometheus (Debian package): it parses and stores it.
import type { Server } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { runQuickTest } from '../../src/engine/index.js';
import { trendStat } from '../../src/metrics/aggregate.js';
import { BUILTIN_METRICS } from '../../src/metrics/builtin.js';
import {
  createIntervalFeed,
  testMeta,
} from '../../src/outputs/prometheus/__fixtures__/interval-feed.js';
import { createPrometheusOutput } from '../../src/outputs/prometheus/prometheus-output.js';
import { findFreePort } from '../../src/util/net.js';
import { requireBinaries } from '../helpers/require-binary.js';
import { type PrometheusServer, startPrometheus } from './helpers/prometheus-server.js';
import { startTarget, targetUrl } from './helpers/target.js';

const prometheus = requireBinaries('prometheus');

describe.skipIf(prometheus.skip)('prometheus exposition scraped by Prometheus', () => {
  let prom: PrometheusServer | undefined;
  afterAll(async () => {
    await prom?.stop();
  });

  it('is scraped successfully and holds the values of the interval fed', async () => {
    const out = createPrometheusOutput({ port: 0, trendStats: ['p(95)'] });
    const feed = createIntervalFeed();
    await out.start!(
      testMeta({
        runId: 'scrape-1',
        startedAtMs: Date.now(),
        tags: { 'weird tag': 'a "quoted"\nvalue' },
      }),
    );
    try {
      prom = await startPrometheus({ scrapeTargets: [`127.0.0.1:${out.address()!.port}`] });
      const tags = { method: 'GET', status: '200', url: 'http://127.0.0.1/x?a=1&b="2"' };
      const trend = feed.registry.trend(BUILTIN_METRICS.http_req_duration, tags);
      for (let i = 1; i <= 100; i++) trend.add(i);
      feed.registry.counter(BUILTIN_METRICS.http_reqs, tags).add(100);
      feed.registry.rate(BUILTIN_METRICS.checks, { check: 'status is 200' }).addMany(99, 100);
      out.onInterval!(feed.next());
      const up = await prom.waitFor('up{job="redline"}', (r) => r[0]?.value[1] === '1');
      expect(up[0]?.value[1], prom.log()).toBe('1');
      const reqs = await prom.waitFor(
        'redline_http_reqs_total{testid="scrape-1"}',
        (r) => r.length > 0,
      );
      expect(reqs[0]!.value[1]).toBe('100');
      expect(reqs[0]!.metric['url']).toBe('http://127.0.0.1/x?a=1&b="2"');
      expect(reqs[0]!.metric['weird_tag']).toBe('a "quoted"\nvalue');
      const le = await prom.query(
        'redline_http_req_duration_seconds_bucket{testid="scrape-1",le="0.05"}',
      );
      expect(le[0]!.value[1]).toBe('50');
      const p95 = await prom.query('redline_http_req_duration_p95{testid="scrape-1"}');
      expect(Number(p95[0]!.value[1])).toBeCloseTo(0.095, 3);
      const checks = await prom.query('redline_checks_rate{check="status is 200"}');
      expect(Number(checks[0]!.value[1])).toBeCloseTo(0.99, 12);
      const quantile = await prom.query(
        'histogram_quantile(0.5, sum by (le) (redline_http_req_duration_seconds_bucket{testid="scrape-1"}))',
      );
      expect(Number(quantile[0]!.value[1])).toBeGreaterThan(0.025);
      expect(Number(quantile[0]!.value[1])).toBeLessThanOrEqual(0.05);
    } finally {
      await out.stop!({ totals: feed.totals, durationMs: 1000, reason: 'completed' });
    }
  });
});

describe.skipIf(prometheus.skip)('a short run scraped by Prometheus', () => {
  let prom: PrometheusServer | undefined;
  let target: Server | undefined;
  afterAll(async () => {
    await prom?.stop();
    await new Promise<void>((r) => (target ? target.close(() => r()) : r()));
  });

  it('exposes the run while it goes, and the final scrape holds the run totals', async () => {
    const port = await findFreePort();
    prom = await startPrometheus({ scrapeTargets: [`127.0.0.1:${port}`] });
    target = await startTarget();
    // Wait until Prometheus scrapes the (not yet started) endpoint every second: `up` exists, 0.
    await prom.waitFor('up{job="redline"}', (r) => r.length > 0);
    const testid = `e2e-scrape-${Date.now()}`;
    const out = createPrometheusOutput({ port, lingerMs: 10_000 });
    const { totals } = await runQuickTest({
      url: targetUrl(target),
      connections: 2,
      durationMs: 3000,
      outputs: [out],
      tags: { testid },
    });
    const requests = totals.summarize('http_reqs')!.sum;
    const duration = totals.summarize('http_req_duration')!;
    expect(requests).toBeGreaterThan(50);
    const sel = `{testid="${testid}"}`;
    const reqs = await prom.waitFor(
      `sum(redline_http_reqs_total${sel})`,
      (r) => Number(r[0]?.value[1]) === requests,
    );
    expect(Number(reqs[0]?.value[1]), prom.log()).toBe(requests);
    // Scraped during the run: the counter had more than one value over time.
    const seen = await prom.query(
      `count_over_time(redline_http_reqs_total{testid="${testid}",status="200"}[1m])`,
    );
    expect(Number(seen[0]!.value[1])).toBeGreaterThan(1);
    expect(
      Number((await prom.query(`sum(redline_http_req_duration_seconds_count${sel})`))[0]!.value[1]),
    ).toBe(duration.count);
    const p95 = Number((await prom.query(`max(redline_http_req_duration_p95${sel})`))[0]!.value[1]);
    expect(p95).toBeCloseTo(trendStat(duration, 'p(95)')! / 1000, 9);
    expect(
      Number((await prom.query(`sum(redline_vus${sel})`))[0]!.value[1]),
    ).toBeGreaterThanOrEqual(0);
  });
});
