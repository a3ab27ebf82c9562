// Remote write against a real Prometheus (Debian package): what we send is what it stores.
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runQuickTest } from '../../src/engine/index.js';
import { trendStat } from '../../src/metrics/aggregate.js';
import { BUILTIN_METRICS } from '../../src/metrics/builtin.js';
import {
  createIntervalFeed,
  testMeta,
} from '../../src/outputs/prometheus/__fixtures__/interval-feed.js';
import { DEFAULT_TIME_BUCKETS_SECONDS } from '../../src/outputs/prometheus/naming.js';
import { createRemoteWriteOutput } from '../../src/outputs/remote-write/remote-write-output.js';
import { requireBinaries } from '../helpers/require-binary.js';
import { type PrometheusServer, startPrometheus } from './helpers/prometheus-server.js';
import { startTarget, targetUrl } from './helpers/target.js';

const prometheus = requireBinaries('prometheus');

/** Feeds 3 intervals of known values (10 requests each: 8 at 20 ms, 2 at 300 ms) through an output. */
async function feedKnownRun(
  output: ReturnType<typeof createRemoteWriteOutput>,
  testid: string,
): Promise<void> {
  const feed = createIntervalFeed();
  output.start!(testMeta({ runId: testid, startedAtMs: Date.now() - 3000 }));
  for (let i = 0; i < 3; i++) {
    const tags = { method: 'GET', status: '200', expected_response: 'true' };
    const trend = feed.registry.trend(BUILTIN_METRICS.http_req_duration, tags);
    for (let k = 0; k < 8; k++) trend.add(20);
    trend.add(300);
    trend.add(300);
    feed.registry.counter(BUILTIN_METRICS.http_reqs, tags).add(10);
    feed.registry.gauge(BUILTIN_METRICS.vus).add(4);
    output.onInterval!(feed.next());
  }
  await output.stop!({ totals: feed.totals, durationMs: 3000, reason: 'completed' });
}

describe.skipIf(prometheus.skip)(
  'remote write into Prometheus 2.x (native histograms enabled)',
  () => {
    let prom: PrometheusServer;
    beforeAll(async () => {
      prom = await startPrometheus({ nativeHistograms: true });
    });
    afterAll(async () => {
      await prom?.stop();
    });

    it('stores counters, gauges, classic buckets, stat gauges and native histograms with the right values', async () => {
      const out = createRemoteWriteOutput({
        url: `${prom.baseUrl}/api/v1/write`,
        nativeHistograms: true,
        trendStats: ['p(50)', 'max'],
      });
      await feedKnownRun(out, 'rw-native');
      expect(out.stats, prom.log()).toMatchObject({ failed: 0, dropped: 0 });
      const sel = '{testid="rw-native"}';
      const reqs = await prom.waitFor(`redline_http_reqs_total${sel}`, (r) => r.length > 0);
      expect(reqs[0]!.value[1]).toBe('30');
      expect(reqs[0]!.metric).toMatchObject({
        method: 'GET',
        status: '200',
        expected_response: 'true',
      });
      expect((await prom.query(`redline_vus${sel}`))[0]!.value[1]).toBe('4');
      const bucket = await prom.query(
        `redline_http_req_duration_seconds_bucket{testid="rw-native",le="0.025"}`,
      );
      expect(bucket[0]!.value[1]).toBe('24');
      expect((await prom.query(`redline_http_req_duration_seconds_count${sel}`))[0]!.value[1]).toBe(
        '30',
      );
      expect(
        Number((await prom.query(`redline_http_req_duration_seconds_sum${sel}`))[0]!.value[1]),
      ).toBeCloseTo(24 * 0.02 + 6 * 0.3, 9);
      expect(
        Number((await prom.query(`redline_http_req_duration_max${sel}`))[0]!.value[1]),
      ).toBeCloseTo(0.3, 9);
      expect(
        Number((await prom.query(`redline_http_req_duration_p50${sel}`))[0]!.value[1]),
      ).toBeCloseTo(0.02, 4);
      const nativeCount = await prom.query(
        `histogram_count(redline_http_req_duration_seconds${sel})`,
      );
      expect(nativeCount[0]!.value[1]).toBe('30');
      const fraction = await prom.query(
        `histogram_fraction(0, 0.1, redline_http_req_duration_seconds${sel})`,
      );
      expect(Number(fraction[0]!.value[1])).toBeCloseTo(0.8, 9);
    });
  },
);

describe.skipIf(prometheus.skip)(
  'remote write into Prometheus 2.x without native histograms',
  () => {
    let prom: PrometheusServer;
    beforeAll(async () => {
      prom = await startPrometheus();
    });
    afterAll(async () => {
      await prom?.stop();
    });

    it('loses only the native histogram requests, never the float samples', async () => {
      const out = createRemoteWriteOutput({
        url: `${prom.baseUrl}/api/v1/write`,
        nativeHistograms: true,
        backoffMs: 10,
        maxRetries: 1,
        warn: () => {},
      });
      await feedKnownRun(out, 'rw-classic');
      expect(out.stats.failed).toBeGreaterThan(0);
      expect(out.stats.lastError).toMatch(/native histograms are disabled/);
      const reqs = await prom.waitFor(
        'redline_http_reqs_total{testid="rw-classic"}',
        (r) => r.length > 0,
      );
      expect(reqs[0]!.value[1]).toBe('30');
      const q =
        'histogram_quantile(0.5, sum by (le) (redline_http_req_duration_seconds_bucket{testid="rw-classic"}))';
      expect(Number((await prom.query(q))[0]!.value[1])).toBeGreaterThan(0.01);
    });
  },
);

describe.skipIf(prometheus.skip)('a short run written to Prometheus (remote write)', () => {
  let prom: PrometheusServer;
  let target: Server;
  beforeAll(async () => {
    prom = await startPrometheus();
    target = await startTarget();
  });
  afterAll(async () => {
    await prom?.stop();
    await new Promise<void>((r) => (target ? target.close(() => r()) : r()));
  });

  it('gives back the run request count and latency series with the right values', async () => {
    const testid = `e2e-rw-${Date.now()}`;
    const out = createRemoteWriteOutput({
      url: `${prom.baseUrl}/api/v1/write`,
      pushIntervalMs: 1000,
      trendStats: ['p(99)', 'max'],
    });
    const { totals } = await runQuickTest({
      url: targetUrl(target),
      connections: 2,
      durationMs: 2500,
      outputs: [out],
      tags: { testid },
    });
    expect(out.stats, prom.log()).toMatchObject({ failed: 0, dropped: 0 });
    const requests = totals.summarize('http_reqs')!.sum;
    const duration = totals.summarize('http_req_duration')!;
    expect(requests).toBeGreaterThan(50);
    const sel = `{testid="${testid}"}`;
    const reqs = await prom.waitFor(
      `sum(redline_http_reqs_total${sel})`,
      (r) => Number(r[0]?.value[1]) === requests,
    );
    expect(Number(reqs[0]?.value[1])).toBe(requests);
    const ok = await prom.query(
      `sum(redline_http_reqs_total{testid="${testid}",status="200",expected_response="true"})`,
    );
    expect(Number(ok[0]!.value[1])).toBe(requests);
    expect(
      Number((await prom.query(`sum(redline_http_req_duration_seconds_count${sel})`))[0]!.value[1]),
    ).toBe(duration.count);
    const sum = Number(
      (await prom.query(`sum(redline_http_req_duration_seconds_sum${sel})`))[0]!.value[1],
    );
    expect(sum).toBeCloseTo(duration.sum / 1000, 6);
    const inf = await prom.query(
      `sum(redline_http_req_duration_seconds_bucket{testid="${testid}",le="+Inf"})`,
    );
    expect(Number(inf[0]!.value[1])).toBe(duration.count);
    const max = await prom.query(`max(redline_http_req_duration_max${sel})`);
    expect(Number(max[0]!.value[1])).toBeCloseTo(trendStat(duration, 'max')! / 1000, 9);
    // The bucket a p99 falls in agrees with the exact p99 (bucket bounds are the resolution).
    const p99 = trendStat(duration, 'p(99)')! / 1000;
    const estimate = Number(
      (
        await prom.query(
          `histogram_quantile(0.99, sum by (le) (redline_http_req_duration_seconds_bucket${sel}))`,
        )
      )[0]!.value[1],
    );
    const bounds = DEFAULT_TIME_BUCKETS_SECONDS;
    const bucketOf = (x: number) => bounds.findIndex((b) => x <= b);
    expect(Math.abs(bucketOf(estimate) - bucketOf(p99))).toBeLessThanOrEqual(1);
  });
});
