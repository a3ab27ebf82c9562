// The report of a run without HTTP requests (a k6/ws script against a real `ws` echo server, as
// `redline run ws://… --message` runs): the HTTP criteria are not measured, never graded as met
// on 0 ms latency and 0 % errors, nor failed on 0 req/s; the summary says so.
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { runScriptTest } from '../../engine/script-run/run-script.js';
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
  });
});
