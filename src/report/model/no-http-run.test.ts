// The report of a run without HTTP requests (a k6/ws script against a real `ws` echo server, as
// `redline run ws://… --message` runs): the HTTP criteria are not measured, never graded as met
// on 0 ms latency and 0 % errors, nor failed on 0 req/s; the summary says so.
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { runScriptTest } from '../../engine/script-run/run-script.js';
import { parseResultText } from '../../results/parse-result.js';
import type { RunResultFile, TimelinePoint } from '../../results/run-result.js';
import { renderHtml } from '../html/render-html.js';
import { renderMarkdown } from '../markdown/render-markdown.js';
import { createReportModelFromRun } from './create-from-run.js';

const dir = mkdtempSync(join(tmpdir(), 'redline-no-http-report-'));
let server: WebSocketServer;
let url: string;

beforeAll(async () => {
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  server.on('connection', (ws) => ws.on('message', (data, binary) => ws.send(data, { binary })));
  await once(server, 'listening');
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

describe('the report of a run without HTTP requests', () => {
  it('leaves the HTTP criteria unmeasured and says where the measures are', async () => {
    const script = join(dir, 'echo.js');
    writeFileSync(
      script,
      `import ws from 'k6/ws';
export const options = { vus: 1, iterations: 2 };
export default function () {
  ws.connect(__ENV.WS_URL, {}, (socket) => {
    let n = 0;
    socket.on('open', () => socket.send('hi'));
    socket.on('message', () => (++n < 5 ? socket.send('hi') : socket.close()));
  });
}
`,
    );
    const { result } = await runScriptTest({ scriptPath: script, cli: { env: { WS_URL: url } } });
    expect(result.metrics['ws_msgs_received']?.values['count']).toBe(10);
    const model = createReportModelFromRun(result);
    for (const metric of ['p50', 'p95', 'p99', 'errorRate', 'throughput'] as const) {
      const row = model.performance.rows.find((r) => r.metric === metric)!;
      expect(row.status, metric).toBe('unknown');
      expect(row.display).toBe('not measured');
      expect(row.note).toMatch(/^no HTTP request in this run/);
    }
    expect(model.summary.verdict).toBe('unknown');
    const md = renderMarkdown(model);
    expect(md).toMatch(/no HTTP request in \d+\.\d s \(its measures are its own metrics/);
    expect(md).not.toMatch(/fails 1 \(Throughput\)/);
    expect(md).not.toContain('p95 0.0 ms');
    // The step table shows no latency or error rate it did not measure.
    const stepRow = md.split('\n').find((l) => l.startsWith('| run |'))!;
    expect(stepRow).not.toContain('0 ms');
    expect(stepRow.split('|').map((c) => c.trim())).toEqual(
      expect.arrayContaining(['—', '—', '—', '—']),
    );
  });

  it('plots the WebSocket messages per second of a k6/ws script, never an HTTP chart of zeros', async () => {
    const script = join(dir, 'messages.js');
    writeFileSync(
      script,
      `import ws from 'k6/ws';
import { sleep } from 'k6';
export const options = { vus: 2, duration: '2s' };
export default function () {
  ws.connect(__ENV.WS_URL, {}, (socket) => {
    let n = 0;
    socket.on('open', () => socket.send('hi'));
    socket.on('message', () => (++n < 3 ? socket.send('hi') : socket.close()));
  });
  sleep(0.05);
}
`,
    );
    const { result } = await runScriptTest({ scriptPath: script, cli: { env: { WS_URL: url } } });
    const count = (metric: string) => result.metrics[metric]?.values['count'] ?? 0;
    const points = result.timeline;
    const total = (f: (p: TimelinePoint) => number) => points.reduce((s, p) => s + f(p), 0);
    expect(count('ws_msgs_received')).toBeGreaterThan(0);
    expect(points.every((p) => p.ws !== undefined && p.wsEcho === undefined && !p.grpc)).toBe(true);
    expect(total((p) => p.ws!.msgsReceived)).toBe(count('ws_msgs_received'));
    expect(total((p) => p.ws!.msgsSent)).toBe(count('ws_msgs_sent'));
    expect(total((p) => p.ws!.sessions)).toBe(count('ws_sessions'));
    expect(total((p) => p.iterations!)).toBe(count('iterations'));
    const model = createReportModelFromRun(result);
    expect(model.charts.measure).toMatchObject({
      kind: 'ws',
      name: 'WebSocket messages received',
      latencyMetric: 'ws_session_duration',
    });
    expect(model.charts.timeline.map((p) => p.rps)).toEqual(
      points.map((p) => p.ws!.msgsReceivedPerSecond),
    );
    const html = renderHtml(model);
    expect(html).toContain('Throughput: WebSocket messages received per second and virtual users');
    expect(html).toContain(
      'No HTTP requests in this run: errors per second are counted for HTTP requests only (see the run&#39;s own metrics).',
    );
    expect(html).not.toContain('Requests per second and virtual users');
    expect(model.loadTest.results.maxCapacityNote).toMatch(
      /it sustained [\d.]+ messages\/s \(WebSocket messages received\) \(95% CI/,
    );
    expect(model.loadTest.results.maxCapacityNote).not.toContain('req/s');
  });

  it('reads a result saved before per-second protocol measures: no chart of zeros, it says why', async () => {
    const script = join(dir, 'old.js');
    writeFileSync(
      script,
      `import ws from 'k6/ws';
export const options = { vus: 1, iterations: 1 };
export default function () {
  ws.connect(__ENV.WS_URL, {}, (socket) => {
    socket.on('open', () => socket.send('hi'));
    socket.on('message', () => socket.close());
  });
}
`,
    );
    const { result } = await runScriptTest({ scriptPath: script, cli: { env: { WS_URL: url } } });
    // The file as an older Redline wrote it: HTTP fields only, read back through the parser.
    const old = JSON.parse(JSON.stringify(result)) as RunResultFile;
    old.timeline = old.timeline.map(({ iterations, grpc, ws, wsEcho, ...http }) => http);
    const parsed = parseResultText(JSON.stringify(old), 'old.json');
    if (parsed.kind !== 'run') throw new Error('not a run');
    const model = createReportModelFromRun(parsed.run);
    expect(model.charts.measure).toBeUndefined();
    expect(model.charts.timeline).toEqual([]);
    const html = renderHtml(model);
    expect(html).toContain(
      'No HTTP requests in this run, and this result has no per-second measure of another protocol.',
    );
    expect(html).not.toContain('Requests per second and virtual users');
  });
});

describe('the timeline of an HTTP run', () => {
  it('keeps its HTTP fields and charts, plus iterations; no protocol block', async () => {
    const http = createServer((_req, res) => res.end('ok'));
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    try {
      const script = join(dir, 'http.js');
      writeFileSync(
        script,
        `import http from 'k6/http';
import { sleep } from 'k6';
export const options = { vus: 2, duration: '2s' };
export default function () {
  http.get(__ENV.BASE);
  sleep(0.02);
}
`,
      );
      const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}/`;
      const { result } = await runScriptTest({ scriptPath: script, cli: { env: { BASE: base } } });
      const count = (metric: string) => result.metrics[metric]?.values['count'] ?? 0;
      const points = result.timeline;
      expect(count('http_reqs')).toBeGreaterThan(0);
      for (const p of points) {
        expect(Object.keys(p).sort()).toEqual(
          [
            't',
            'requests',
            'rps',
            'failed',
            'vus',
            'p50',
            'p90',
            'p95',
            'p99',
            'max',
            'dataReceived',
            'dataSent',
            'dropped',
            'errors',
            'iterations',
          ].sort(),
        );
      }
      expect(points.reduce((s, p) => s + p.requests, 0)).toBe(count('http_reqs'));
      expect(points.reduce((s, p) => s + p.iterations!, 0)).toBe(count('iterations'));
      const model = createReportModelFromRun(result);
      expect(model.charts.measure?.kind).toBe('http');
      expect(model.charts.timeline.map((p) => p.rps)).toEqual(points.map((p) => p.rps));
      expect(model.charts.timeline.map((p) => p.p95)).toEqual(
        points.map((p) => (p.requests > 0 ? p.p95 : undefined)),
      );
      const html = renderHtml(model);
      expect(html).toContain('Requests per second and virtual users');
      expect(html).not.toContain('No HTTP requests in this run');
    } finally {
      http.close();
    }
  });
});
