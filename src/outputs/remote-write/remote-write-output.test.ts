import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BUILTIN_METRICS } from '../../metrics/builtin.js';
import { createIntervalFeed, testMeta } from '../prometheus/__fixtures__/interval-feed.js';
import { decodeWriteRequest, toSpansAndDeltas, uncompressBlock } from './encode.js';
import {
  createRemoteWriteOutput,
  createRemoteWriteOutputFromArgument,
} from './remote-write-output.js';

interface Received {
  headers: IncomingHttpHeaders;
  timeseries: Array<Record<string, unknown>>;
}

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

/** A receiver answering with `statuses` in turn (then 204), decoding every body. */
async function receiver(
  statuses: number[],
): Promise<{ url: string; received: Received[]; attempts: () => number }> {
  const received: Received[] = [];
  let attempts = 0;
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const status = statuses[attempts++] ?? 204;
      if (status < 300) {
        const decoded = decodeWriteRequest(uncompressBlock(Buffer.concat(chunks)));
        received.push({ headers: req.headers, timeseries: decoded.timeseries });
      }
      res.writeHead(status).end(status < 300 ? '' : 'nope');
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const port = (server!.address() as AddressInfo).port;
  return {
    url: `http://user:secret@127.0.0.1:${port}/api/v1/write`,
    received,
    attempts: () => attempts,
  };
}

/** Runs `intervals` intervals through `output` (as the controller would: one call per interval). */
async function feedRun(
  output: ReturnType<typeof createRemoteWriteOutput>,
  intervals: number,
): Promise<void> {
  const feed = createIntervalFeed();
  output.start!(testMeta({ startedAtMs: Date.now() }));
  for (let i = 0; i < intervals; i++) {
    feed.registry.trend(BUILTIN_METRICS.http_req_duration, { status: '200' }).add(10 + i);
    feed.registry.counter(BUILTIN_METRICS.http_reqs, { status: '200' }).add(1);
    output.onInterval!(feed.next());
  }
  await output.stop!({ totals: feed.totals, durationMs: intervals * 1000, reason: 'completed' });
}

describe('remote write output', () => {
  it('sends v1 requests with sorted labels, every interval in time order, native histograms apart', async () => {
    const rx = await receiver([]);
    const out = createRemoteWriteOutput({
      url: rx.url,
      pushIntervalMs: 2000,
      nativeHistograms: true,
      trendStats: ['p(99)'],
    });
    expect(out.description).not.toContain('secret');
    await feedRun(out, 3);
    expect(out.stats).toMatchObject({ failed: 0, dropped: 0 });
    const h = rx.received[0]!.headers;
    expect(h['content-type']).toBe('application/x-protobuf');
    expect(h['content-encoding']).toBe('snappy');
    expect(h['x-prometheus-remote-write-version']).toBe('0.1.0');
    expect(h['authorization']).toBe(`Basic ${Buffer.from('user:secret').toString('base64')}`);
    const all = rx.received.flatMap((r) => r.timeseries);
    for (const ts of all) {
      const names = (ts['labels'] as Array<{ name: string }>).map((l) => l.name);
      expect(names).toEqual([...names].sort());
    }
    const name = (ts: Record<string, unknown>) =>
      (ts['labels'] as Array<{ name: string; value: string }>).find((l) => l.name === '__name__')!
        .value;
    const reqs = all.filter((ts) => name(ts) === 'redline_http_reqs_total');
    const points = reqs.flatMap(
      (ts) => ts['samples'] as Array<{ value: number; timestamp: number }>,
    );
    expect(points.map((p) => p.value)).toEqual([1, 2, 3, 3]);
    expect(points.map((p) => p.timestamp)).toEqual(
      [...points.map((p) => p.timestamp)].sort((a, b) => a - b),
    );
    // Native histograms never share a request with float samples.
    for (const r of rx.received) {
      const hasNative = r.timeseries.some(
        (ts) => (ts['histograms'] as unknown[] | undefined)?.length,
      );
      const hasFloat = r.timeseries.some((ts) => (ts['samples'] as unknown[] | undefined)?.length);
      expect(hasNative && hasFloat).toBe(false);
    }
    const natives = all.filter((ts) => (ts['histograms'] as unknown[] | undefined)?.length);
    const last = (natives.at(-1)!['histograms'] as Array<Record<string, number>>).at(-1)!;
    expect(last['count_int']).toBe(3);
    expect(all.some((ts) => name(ts) === 'redline_http_req_duration_p99')).toBe(true);
  });

  it('retries 5xx and 429, never other 4xx', async () => {
    const rx = await receiver([503, 429, 204, 400]);
    const out = createRemoteWriteOutput({
      url: rx.url,
      pushIntervalMs: 1000,
      backoffMs: 10,
      warn: () => {},
    });
    await feedRun(out, 1);
    expect(rx.attempts()).toBe(4);
    expect(out.stats).toMatchObject({ sent: 1, failed: 1, retries: 2 });
    expect(out.stats.lastError).toContain('HTTP 400');
  });

  it('reads settings from the environment and rejects a bad URL', () => {
    const out = createRemoteWriteOutputFromArgument('http://127.0.0.1:9/api/v1/write', {
      REDLINE_PROMETHEUS_RW_BEARER_TOKEN: 'tok',
      REDLINE_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM: 'true',
    });
    expect(out.description).toBe('prometheus-rw (http://127.0.0.1:9/api/v1/write)');
    expect(() => createRemoteWriteOutputFromArgument('ftp://x')).toThrow(
      /invalid remote write URL/,
    );
    expect(() =>
      createRemoteWriteOutputFromArgument('http://x', { REDLINE_PROMETHEUS_TREND_STATS: 'p(101)' }),
    ).toThrow(/invalid trend statistic/);
  });
});

describe('toSpansAndDeltas', () => {
  it('builds spans with small gaps filled and deltas between neighbours', () => {
    const { spans, deltas } = toSpansAndDeltas(
      new Map([
        [-2, 3],
        [-1, 5],
        [1, 2],
        [9, 4],
      ]),
    );
    expect(spans).toEqual([
      { offset: -2, length: 4 },
      { offset: 7, length: 1 },
    ]);
    expect(deltas).toEqual([3, 2, -5, 2, 2]);
  });
});
