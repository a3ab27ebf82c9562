import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BUILTIN_METRICS } from '../../metrics/builtin.js';
import { createIntervalFeed, testMeta } from '../prometheus/__fixtures__/interval-feed.js';
import { createOtlpOutput, metricsEndpoint } from './otlp-output.js';

interface OtlpMetric {
  name: string;
  unit?: string;
  sum?: { dataPoints: OtlpPoint[]; isMonotonic?: boolean; aggregationTemporality?: number };
  gauge?: { dataPoints: OtlpPoint[] };
  histogram?: { dataPoints: OtlpPoint[] };
}
interface OtlpPoint {
  attributes: Array<{ key: string; value: { stringValue?: string } }>;
  asDouble?: number;
  count?: number | string;
  sum?: number;
  bucketCounts?: Array<number | string>;
  explicitBounds?: number[];
  min?: number;
  max?: number;
}

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

/** A minimal OTLP/HTTP receiver: decodes the JSON payload of POST /v1/metrics. */
async function otlpReceiver(): Promise<{
  url: string;
  exports: Array<{
    contentType: string;
    body: { resourceMetrics: Array<Record<string, unknown>> };
  }>;
}> {
  const exports: Array<{
    contentType: string;
    body: { resourceMetrics: Array<Record<string, unknown>> };
  }> = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/v1/metrics')
        exports.push({
          contentType: String(req.headers['content-type']),
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
        });
      res
        .writeHead(req.url === '/v1/metrics' ? 200 : 404, { 'content-type': 'application/json' })
        .end('{}');
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, exports };
}

function metricsOf(body: {
  resourceMetrics: Array<Record<string, unknown>>;
}): Map<string, OtlpMetric> {
  const out = new Map<string, OtlpMetric>();
  for (const rm of body.resourceMetrics) {
    for (const sm of rm['scopeMetrics'] as Array<{ metrics: OtlpMetric[] }>)
      for (const m of sm.metrics) out.set(m.name, m);
  }
  return out;
}

describe('otlp output', () => {
  it('exports sums, gauges and second-based histograms through the OTLP/HTTP exporter', async () => {
    const rx = await otlpReceiver();
    const out = createOtlpOutput({ url: rx.url, exportIntervalMs: 60_000 });
    expect(out.endpoint).toBe(`${rx.url}/v1/metrics`);
    const feed = createIntervalFeed();
    await out.start!(testMeta({ startedAtMs: Date.now(), tags: { env: 'ci' } }));
    const tags = { method: 'GET', status: '200' };
    const trend = feed.registry.trend(BUILTIN_METRICS.http_req_duration, tags);
    for (const ms of [3, 30, 300]) trend.add(ms);
    feed.registry.counter(BUILTIN_METRICS.http_reqs, tags).add(3);
    feed.registry.gauge(BUILTIN_METRICS.vus).add(2);
    feed.registry.rate(BUILTIN_METRICS.http_req_failed).addMany(1, 3);
    out.onInterval!(feed.next());
    await out.stop!({ totals: feed.totals, durationMs: 1000, reason: 'completed' });

    expect(rx.exports.length).toBeGreaterThanOrEqual(1);
    expect(rx.exports[0]!.contentType).toContain('application/json');
    const last = rx.exports.at(-1)!.body;
    const resource = (
      last.resourceMetrics[0]!['resource'] as {
        attributes: Array<{ key: string; value: { stringValue?: string } }>;
      }
    ).attributes;
    expect(resource.find((a) => a.key === 'service.name')?.value.stringValue).toBe('redline');
    const metrics = metricsOf(last);
    const reqs = metrics.get('redline.http_reqs')!;
    expect(reqs.sum!.isMonotonic).toBe(true);
    expect(reqs.sum!.aggregationTemporality).toBe(2); // cumulative
    expect(reqs.sum!.dataPoints[0]!.asDouble).toBe(3);
    const attrs = Object.fromEntries(
      reqs.sum!.dataPoints[0]!.attributes.map((a) => [a.key, a.value.stringValue]),
    );
    expect(attrs).toEqual({ env: 'ci', testid: 'run-1', method: 'GET', status: '200' });
    expect(metrics.get('redline.vus')!.gauge!.dataPoints[0]!.asDouble).toBe(2);
    expect(metrics.get('redline.http_req_failed')!.gauge!.dataPoints[0]!.asDouble).toBeCloseTo(
      1 / 3,
      12,
    );
    expect(metrics.get('redline.http_req_failed.passes')!.sum!.dataPoints[0]!.asDouble).toBe(1);
    const duration = metrics.get('redline.http_req_duration')!;
    expect(duration.unit).toBe('s');
    const p = duration.histogram!.dataPoints[0]!;
    expect(Number(p.count)).toBe(3);
    expect(p.sum).toBeCloseTo(0.333, 9);
    expect(p.min).toBeCloseTo(0.003, 9);
    expect(p.max).toBeCloseTo(0.3, 9);
    expect(p.explicitBounds).toContain(0.005);
    const counts = p.bucketCounts!.map(Number);
    expect(counts.length).toBe(p.explicitBounds!.length + 1);
    expect(counts.reduce((a, c) => a + c, 0)).toBe(3);
    expect(counts[p.explicitBounds!.indexOf(0.005)]).toBe(1); // 3 ms in (0.0025, 0.005]
    expect(counts[p.explicitBounds!.indexOf(0.3)]).toBe(1); // 300 ms in (0.25, 0.3]
  });

  it('warns instead of failing the run when the collector is unreachable', async () => {
    const warnings: string[] = [];
    const out = createOtlpOutput({
      url: 'http://127.0.0.1:9/',
      exportIntervalMs: 60_000,
      timeoutMs: 1500,
      warn: (m) => warnings.push(m),
    });
    const feed = createIntervalFeed();
    await out.start!(testMeta());
    feed.registry.counter(BUILTIN_METRICS.http_reqs).add(1);
    out.onInterval!(feed.next());
    await out.stop!({ totals: feed.totals, durationMs: 1000, reason: 'completed' });
    expect(warnings.join('\n')).toMatch(
      /^1 of 1 batch not delivered to otlp http:\/\/127.0.0.1:9\/v1\/metrics: .+/,
    );
  });

  it('completes the endpoint path and rejects what is not OTLP/HTTP', () => {
    expect(metricsEndpoint('http://collector:4318')).toBe('http://collector:4318/v1/metrics');
    expect(metricsEndpoint('https://x/otlp/v1/metrics')).toBe('https://x/otlp/v1/metrics');
    expect(() => metricsEndpoint('grpc://x:4317')).toThrow(/http or https/);
    expect(() => metricsEndpoint('not a url')).toThrow(/invalid OTLP URL/);
  });
});
