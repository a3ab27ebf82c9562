import { describe, expect, it } from 'vitest';
import { BUILTIN_METRICS } from '../../metrics/builtin.js';
import { createIntervalFeed, testMeta } from './__fixtures__/interval-feed.js';
import { modelOptionsFromEnv, parseListenAddress } from './options.js';
import { createPrometheusOutput, createPrometheusOutputFromArgument } from './prometheus-output.js';

describe('prometheus exposition output', () => {
  it('serves /metrics with a valid Content-Type while the run goes on, 404 elsewhere', async () => {
    const out = createPrometheusOutput({ port: 0 });
    const feed = createIntervalFeed();
    await out.start!(testMeta());
    try {
      const { port } = out.address()!;
      const empty = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(empty.status).toBe(200);
      expect(await empty.text()).toBe('');
      feed.registry.counter(BUILTIN_METRICS.http_reqs).add(7);
      out.onInterval!(feed.next());
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      expect(await res.text()).toContain('redline_http_reqs_total{testid="run-1"} 7\n');
      expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(404);
      expect((await fetch(`http://127.0.0.1:${port}/metrics`, { method: 'POST' })).status).toBe(
        405,
      );
    } finally {
      await out.stop!({ totals: feed.totals, durationMs: 1000, reason: 'completed' });
    }
  });

  it('lingers after the run until the final values were scraped once', async () => {
    // A long linger: stopping must end at the first scrape, well before it, even on a busy machine.
    const out = createPrometheusOutput({ port: 0, lingerMs: 30_000 });
    const feed = createIntervalFeed();
    await out.start!(testMeta());
    feed.registry.counter(BUILTIN_METRICS.http_reqs).add(1);
    out.onInterval!(feed.next());
    feed.registry.counter(BUILTIN_METRICS.http_reqs).add(1);
    feed.next();
    const started = Date.now();
    const stopping = out.stop!({ totals: feed.totals, durationMs: 2000, reason: 'completed' });
    const text = await (await fetch(`http://127.0.0.1:${out.address()!.port}/metrics`)).text();
    await stopping;
    expect(text).toContain('redline_http_reqs_total{testid="run-1"} 2\n');
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('reports a busy port clearly', async () => {
    const first = createPrometheusOutput({ port: 0 });
    await first.start!(testMeta());
    const second = createPrometheusOutputFromArgument(`127.0.0.1:${first.address()!.port}`);
    await expect(second.start!(testMeta())).rejects.toThrow(
      /cannot listen on 127.0.0.1:\d+: EADDRINUSE/,
    );
    await first.stop!({ totals: createIntervalFeed().totals, durationMs: 0, reason: 'completed' });
  });
});

describe('prometheus options', () => {
  it('parses listen addresses, loopback by default', () => {
    expect(parseListenAddress(':9464', 1, 'x')).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(parseListenAddress('9464', 1, 'x')).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(parseListenAddress('', 5665, 'x')).toEqual({ host: '127.0.0.1', port: 5665 });
    expect(parseListenAddress('0.0.0.0:80', 1, 'x')).toEqual({ host: '0.0.0.0', port: 80 });
    expect(parseListenAddress('[::1]:9464', 1, 'x')).toEqual({ host: '::1', port: 9464 });
    expect(() => parseListenAddress('host:99999', 1, 'x')).toThrow(/invalid listen address/);
    expect(() => parseListenAddress('a:b', 1, 'x')).toThrow(/invalid listen address/);
  });

  it('reads trend stats, buckets and prefix from the environment', () => {
    expect(
      modelOptionsFromEnv({
        REDLINE_PROMETHEUS_TREND_STATS: 'avg, p(99.9)',
        REDLINE_PROMETHEUS_BUCKETS: '0.1,0.5,1',
        REDLINE_PROMETHEUS_PREFIX: 'k6_',
      }),
    ).toEqual({
      trendStats: ['avg', 'p(99.9)'],
      timeBuckets: [0.1, 0.5, 1],
      prefix: 'k6_',
    });
    expect(modelOptionsFromEnv({ REDLINE_PROMETHEUS_TREND_STATS: '' })).toEqual({ trendStats: [] });
    expect(() => modelOptionsFromEnv({ REDLINE_PROMETHEUS_BUCKETS: '1,0.5' })).toThrow(
      /invalid bucket list/,
    );
    expect(() => modelOptionsFromEnv({ REDLINE_PROMETHEUS_PREFIX: 'bad-prefix' })).toThrow(
      /invalid metric prefix/,
    );
  });
});
