// Dead network sinks (a port that refuses, a server that accepts and never answers): the final
// delivery of prometheus-rw and otlp is bounded by the flush timeout, leaves no socket open, and
// the warning names the sink, its URL (redacted) and what was lost.
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BUILTIN_METRICS } from '../metrics/builtin.js';
import {
  DEFAULT_FLUSH_TIMEOUT_MS,
  deliveryWarning,
  describeDeliveryError,
  FLUSH_TIMEOUT_ENV,
  flushTimeoutFromEnv,
} from './delivery.js';
import { createOtlpOutput } from './otlp/otlp-output.js';
import type { Output } from './output.js';
import { createIntervalFeed, testMeta } from './prometheus/__fixtures__/interval-feed.js';
import { createRemoteWriteOutput } from './remote-write/remote-write-output.js';

const FLUSH_MS = 500;
// Start-up of the OTLP SDK and a busy machine: generous, and still far below what a dead sink
// cost before the bound (15 s for remote write, ~9 s for OTLP).
const SLACK_MS = 2500;

let servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  servers = [];
});

/** A port nothing listens on (a listener opened and closed again): connections are refused. */
async function refusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

/** A server that accepts connections, reads everything and never answers. */
async function blackhole(): Promise<{ port: number; open: () => number }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('data', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('close', () => {
    for (const s of sockets) s.destroy();
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as { port: number }).port, open: () => sockets.size };
}

/** Feeds two intervals and stops as the controller does; returns how long stop() took. */
async function runThrough(output: Output): Promise<number> {
  const feed = createIntervalFeed();
  await output.start!(testMeta({ startedAtMs: Date.now() }));
  for (let i = 0; i < 2; i++) {
    feed.registry.counter(BUILTIN_METRICS.http_reqs, { status: '200' }).add(1);
    output.onInterval!(feed.next());
  }
  const t0 = performance.now();
  await output.stop!({ totals: feed.totals, durationMs: 2000, reason: 'completed' });
  return performance.now() - t0;
}

async function eventually(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

const sinks = {
  'prometheus-rw': (port: number, warn: (m: string) => void) =>
    createRemoteWriteOutput({
      url: `http://alice:pw-SECRET1@127.0.0.1:${port}/api/v1/write?token=SECRET2&tenant=a`,
      pushIntervalMs: 60_000,
      flushTimeoutMs: FLUSH_MS,
      warn,
    }),
  otlp: (port: number, warn: (m: string) => void) =>
    createOtlpOutput({
      url: `http://127.0.0.1:${port}/v1/metrics?api_key=SECRET2&tenant=a`,
      exportIntervalMs: 60_000,
      flushTimeoutMs: FLUSH_MS,
      warn,
    }),
};

describe.each(Object.entries(sinks))('%s against a dead receiver', (sink, create) => {
  it('refused: stops within the flush timeout and says what was lost, where and why', async () => {
    const warnings: string[] = [];
    const elapsed = await runThrough(create(await refusedPort(), (m) => warnings.push(m)));
    expect(elapsed).toBeLessThan(FLUSH_MS + SLACK_MS);
    expect(warnings).toHaveLength(1);
    const warning = warnings[0]!;
    expect(warning).toMatch(
      new RegExp(`^1 of 1 batch not delivered to ${sink} http://127\\.0\\.0\\.1:\\d+/`),
    );
    expect(warning).toContain('connection refused');
    expect(warning).toContain('tenant=a');
    expect(warning).not.toContain('SECRET');
    expect(warning).toContain('[REDACTED]');
  });

  it('accepting but never answering: stops within the flush timeout and closes its sockets', async () => {
    const server = await blackhole();
    const warnings: string[] = [];
    const elapsed = await runThrough(create(server.port, (m) => warnings.push(m)));
    expect(elapsed).toBeLessThan(FLUSH_MS + SLACK_MS);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^1 of 1 batch not delivered to /);
    expect(warnings[0]).toMatch(/no answer/);
    expect(warnings[0]).not.toContain('SECRET');
    // Nothing of the output outlives the run: its connections to the receiver are closed.
    expect(await eventually(() => server.open() === 0, FLUSH_MS + SLACK_MS)).toBe(true);
  });
});

describe('delivery helpers', () => {
  it('reads the flush timeout from REDLINE_OUT_FLUSH_TIMEOUT', () => {
    expect(flushTimeoutFromEnv({})).toBe(DEFAULT_FLUSH_TIMEOUT_MS);
    expect(flushTimeoutFromEnv({ [FLUSH_TIMEOUT_ENV]: '750ms' })).toBe(750);
    expect(() => flushTimeoutFromEnv({ [FLUSH_TIMEOUT_ENV]: 'soon' })).toThrow(FLUSH_TIMEOUT_ENV);
  });

  it('names the cause of a failed delivery', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(describeDeliveryError(new TypeError('fetch failed', { cause: refused }), 1000)).toBe(
      'connection refused',
    );
    const timeout = Object.assign(new Error('aborted'), { name: 'TimeoutError' });
    expect(describeDeliveryError(timeout, 10_000)).toBe('no answer within 10s');
  });

  it('says when the flush timeout cut the delivery short', () => {
    const text = deliveryWarning({
      sink: 'prometheus-rw',
      url: 'http://h/w?token=abc',
      lost: 2,
      total: 3,
      reason: 'HTTP 503',
      timedOut: true,
      flushTimeoutMs: 3000,
    });
    expect(text).toBe(
      '2 of 3 batches not delivered to prometheus-rw http://h/w?token=[REDACTED]: HTTP 503; gave up after the 3s flush timeout (REDLINE_OUT_FLUSH_TIMEOUT); those metrics are missing there (the summary and the other outputs are complete)',
    );
  });
});
