/** Open model (`--rate`): arrival accuracy, dropped slots, and coordinated-omission-corrected latency. */
import { afterEach, describe, expect, it } from 'vitest';
import { runQuickTest } from '../../src/engine/index.js';
import { startHttpServer, type TestServer } from '../helpers/servers.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('open model', () => {
  // Every slot due in the run is either sent or dropped, whatever the machine's load: that is
  // exact. How many are dropped (none on a quiet machine) is accuracy, measured by
  // bench/arrival-accuracy.mjs.
  it('schedules exactly rate × duration slots, split across workers: each sent or dropped', async () => {
    server = await startHttpServer((_req, res) => res.end('ok'));
    for (const workers of [1, 2]) {
      const before = server.count();
      const { result } = await runQuickTest({
        url: `${server.url}/`,
        rate: 400,
        connections: 8,
        durationMs: 2000,
        workers,
      });
      const sent = server.count() - before;
      const dropped = result.metrics['dropped_iterations']?.values['count'] ?? 0;
      expect(sent + dropped).toBe(800);
      expect(result.metrics['http_reqs']!.values['count']).toBe(sent);
      expect(sent).toBeGreaterThan(0);
      const raw = result.metrics['http_req_duration']!.values;
      const corrected = result.metrics['http_req_duration_corrected']!.values;
      expect(corrected['count']).toBe(raw['count']);
      expect(corrected['med']!).toBeGreaterThanOrEqual(raw['med']! * 0.99);
    }
  });

  it('drops slots that find no free connection and shows the queueing in corrected latency', async () => {
    server = await startHttpServer((_req, res) => {
      setTimeout(() => res.end('slow'), 50);
    });
    // 2 connections × 1 request / 50 ms = ~40 req/s of capacity, asked for 100 req/s.
    const { result } = await runQuickTest({
      url: `${server.url}/`,
      rate: 100,
      connections: 2,
      durationMs: 2000,
      maxQueueMs: 200,
    });
    const dropped = result.metrics['dropped_iterations']!.values['count']!;
    const done = result.metrics['http_reqs']!.values['count']!;
    expect(dropped).toBeGreaterThan(50);
    // 200 slots, each sent or dropped; at most one request per connection may still be in flight
    // at the end and not be counted as done.
    expect(done + dropped).toBeGreaterThanOrEqual(198);
    expect(done + dropped).toBeLessThanOrEqual(200);
    const raw = result.metrics['http_req_duration']!.values['med']!;
    const corrected = result.metrics['http_req_duration_corrected']!.values['med']!;
    expect(raw).toBeGreaterThanOrEqual(50);
    expect(corrected).toBeGreaterThan(raw + 20);
    expect(result.timeline.reduce((n, p) => n + p.dropped, 0)).toBe(dropped);
  });
});
