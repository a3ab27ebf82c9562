import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILTIN_METRICS } from '../../metrics/builtin.js';
import { trendLatency } from '../../results/timeline.js';
import { createIntervalFeed, testMeta } from '../prometheus/__fixtures__/interval-feed.js';
import { createDashboardOutput, type DashboardPoint } from './dashboard-output.js';
import { jsonForScript } from './page.js';

const dir = mkdtempSync(join(tmpdir(), 'redline-dash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Subscribes to the SSE stream at `url`; `waitFor(n)` resolves once n events arrived. */
function subscribe(url: string): {
  events: Array<{ event: string; data: unknown }>;
  waitFor(n: number): Promise<void>;
  close(): void;
} {
  const events: Array<{ event: string; data: unknown }> = [];
  let buffer = '';
  const req = request(url, (res) => {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buffer += chunk;
      for (let cut = buffer.indexOf('\n\n'); cut !== -1; cut = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) events.push({ event, data: JSON.parse(data) });
      }
    });
  });
  req.on('error', () => {});
  req.end();
  return {
    events,
    async waitFor(n) {
      for (let i = 0; i < 200 && events.length < n; i++)
        await new Promise((r) => setTimeout(r, 25));
      if (events.length < n) throw new Error(`only ${events.length} of ${n} events arrived`);
    },
    close: () => req.destroy(),
  };
}

/** A started dashboard, its interval feed, and a page's SSE stream that has its config. */
async function startedWithSubscriber() {
  const out = createDashboardOutput({ port: 0 });
  const feed = createIntervalFeed();
  await out.start!(testMeta());
  const sse = subscribe(`${out.url()!}events`);
  await sse.waitFor(1);
  return { out, feed, sse };
}

describe('dashboard output', () => {
  it('streams points over SSE (replayed to late clients) and exports a self-contained page', async () => {
    const exportPath = join(dir, 'report.html');
    const out = createDashboardOutput({
      port: 0,
      exportPath,
      thresholds: () => [
        {
          metric: 'http_req_duration',
          expression: 'p(95)<200',
          ok: true,
          observed: 12,
          abortOnFail: false,
        },
      ],
    });
    const feed = createIntervalFeed();
    await out.start!(testMeta({ target: 'http://user:hunter22@127.0.0.1/</script><b>x' }));
    const url = out.url()!;
    const tags = { status: '200' };
    feed.registry.trend(BUILTIN_METRICS.http_req_duration, tags).add(12);
    feed.registry.counter(BUILTIN_METRICS.http_reqs, tags).add(10);
    feed.registry
      .counter(BUILTIN_METRICS.http_reqs, { status: '0', error_class: 'refused' })
      .add(2);
    feed.registry.rate(BUILTIN_METRICS.http_req_failed).addMany(2, 12);
    out.onInterval!(feed.next());
    const late = subscribe(`${url}events`);
    await late.waitFor(2);
    expect(late.events.map((e) => e.event)).toEqual(['config', 'point']);
    expect((late.events[0]!.data as { target: string }).target).not.toContain('hunter22');
    const point = late.events[1]!.data as Record<string, unknown>;
    expect(point).toMatchObject({
      requests: 12,
      totalRequests: 12,
      totalFailed: 2,
      errors: { refused: 2 },
    });
    expect(point['thresholds']).toHaveLength(1);
    feed.registry.counter(BUILTIN_METRICS.http_reqs, tags).add(5);
    out.onInterval!(feed.next());
    await late.waitFor(3);
    expect(late.events[2]).toMatchObject({
      event: 'point',
      data: { requests: 5, totalRequests: 17 },
    });

    const page = await (await fetch(url)).text();
    expect(page).toContain('<title>Redline dashboard</title>');
    expect(page).toContain('new EventSource');
    expect(page).not.toMatch(/<script[^>]+src=/);
    const wrongHost = await new Promise<number>((resolve) => {
      request(url, { headers: { host: 'evil.example:80' } }, (res) =>
        resolve(res.statusCode ?? 0),
      ).end();
    });
    expect(wrongHost).toBe(421);

    await out.stop!({ totals: feed.totals, durationMs: 2000, reason: 'completed' });
    await late.waitFor(4);
    expect(late.events[3]).toEqual({
      event: 'end',
      data: { reason: 'completed', durationMs: 2000 },
    });
    late.close();
    const html = readFileSync(exportPath, 'utf8');
    expect(html).toContain('<script id="redline-data" type="application/json">');
    expect(html).not.toContain('hunter22');
    expect(html).not.toContain('</script><b>x');
    const island = /<script id="redline-data" type="application\/json">(.*?)<\/script>/s.exec(
      html,
    )![1]!;
    const data = JSON.parse(island) as { points: unknown[]; end: { reason: string } };
    expect(data.points).toHaveLength(2);
    expect(data.end.reason).toBe('completed');
  });

  it("sends each second in the report's measure, and replays the run when the measure changes", async () => {
    const { out, feed, sse } = await startedWithSubscriber();
    // A script's first second: two iterations, no HTTP request yet.
    feed.registry.counter(BUILTIN_METRICS.iterations).add(2);
    out.onInterval!(feed.next());
    await sse.waitFor(2);
    expect(sse.events[1]!.data).toMatchObject({
      requests: 0,
      measure: { kind: 'iterations', rateUnit: 'iterations/s' },
      measured: { rps: 2, count: 2, total: 2, failed: 0 },
    });
    // Then HTTP: the run is now measured in requests, and the pages get every second again in it.
    feed.registry.trend(BUILTIN_METRICS.http_req_duration, { status: '200' }).add(8);
    feed.registry.counter(BUILTIN_METRICS.http_reqs, { status: '200' }).add(3);
    feed.registry.counter(BUILTIN_METRICS.iterations).add(3);
    out.onInterval!(feed.next());
    await sse.waitFor(5);
    expect(sse.events.slice(2).map((e) => e.event)).toEqual(['config', 'point', 'point']);
    expect(sse.events[3]!.data).toMatchObject({
      measure: { kind: 'http' },
      measured: { rps: 0, count: 0, total: 0 },
    });
    expect(sse.events[4]!.data).toMatchObject({
      measure: { kind: 'http' },
      measured: { rps: 3, count: 3, total: 3, latency: { p50: 8 } },
    });
    // The same measure next second: one point, totals carried on.
    feed.registry.counter(BUILTIN_METRICS.http_reqs, { status: '200' }).add(1);
    out.onInterval!(feed.next());
    await sse.waitFor(6);
    expect(sse.events[5]).toMatchObject({
      event: 'point',
      data: { measure: { kind: 'http' }, measured: { count: 1, total: 4 } },
    });
    sse.close();
    await out.stop!({ totals: feed.totals, durationMs: 3000, reason: 'completed' });
  });

  it("gives each second the run's p95/p99 so far, kept through a last interval without a sample", async () => {
    const { out, feed, sse } = await startedWithSubscriber();
    // An echo run's first second: 100 round trips of 1..100 ms.
    const roundTrip = feed.registry.trend('ws_echo_round_trip', {}, 'time');
    for (let ms = 1; ms <= 100; ms++) roundTrip.add(ms);
    out.onInterval!(feed.next());
    // Its last interval, the few ms before the cut: no round trip completed, two were cut off.
    feed.registry.counter('ws_echo_unanswered', { error_class: 'interrupted' }).add(2);
    out.onInterval!(feed.next());
    await sse.waitFor(3);
    const run = trendLatency(feed.totals.summarize('ws_echo_round_trip'))!;
    expect(run.p95).toBeGreaterThan(90);
    expect(sse.events[1]!.data).toMatchObject({
      measure: { kind: 'ws-echo' },
      measured: { count: 100, runLatency: run },
    });
    const last = sse.events[2]!.data as DashboardPoint;
    expect(last.measured).toMatchObject({ count: 0, total: 100, totalFailed: 2, runLatency: run });
    expect(last.measured!.latency).toBeUndefined();
    sse.close();
    await out.stop!({ totals: feed.totals, durationMs: 2000, reason: 'completed' });
  });

  it('escapes JSON for script elements', () => {
    expect(jsonForScript({ a: '</script><!--' })).toBe('{"a":"\\u003c/script>\\u003c!--"}');
  });
});
