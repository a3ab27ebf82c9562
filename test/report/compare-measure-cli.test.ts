// `redline compare` (built CLI) on real results of runs without HTTP: WebSocket echo quick-mode
// runs against a local `ws` server (`/echo`, and `/slow-echo`, which answers 40 ms late) are
// compared in ws_echo_round_trip and round trips/s; an HTTP run against one of them is refused
// (exit 2); an echo result saved before the per-protocol blocks existed keeps the old warning.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompareResult } from '../../src/compare/index.js';
import { ExitCode } from '../../src/errors/exit-codes.js';
import type { RunResultFile } from '../../src/results/run-result.js';
import { runCli } from '../k6-compat/helpers/run-corpus.js';
import { startWsServer, type WsTestServer } from '../k6-compat/helpers/ws-server.js';

let dir: string;
let ws: WsTestServer;
let http: Server;
const files = { fast: '', slow1: '', slow2: '', http: '', old: '' };

/** `redline run <target> … -c 2 -d <duration> --json <name>.json`; returns the file. */
async function run(
  name: string,
  target: string,
  duration: string,
  extra: string[] = [],
): Promise<string> {
  const json = join(dir, `${name}.json`);
  const args = ['run', target, ...extra, '-c', '2', '-d', duration, '-q', '--json', json];
  const out = await runCli(args, { cwd: dir });
  expect(out.code, `${name}: ${out.stderr}`).toBe(0);
  return json;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'redline-compare-measure-'));
  ws = await startWsServer();
  http = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
  const address = http.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  // One run at a time: the machine has 2 cores. The two equal runs last 10 s, so that compare has
  // 8 or 9 steady seconds per side and tests them (intervals mode): with 2 s runs it has no test and
  // the 5% floor alone decides, and one stalled second on a busy machine moves a 2 s run's p99
  // by more than 5% (seen: 51.7 → 58.0 ms).
  const message = ['--message', 'hi'];
  files.fast = await run('fast', `${ws.url}/echo`, '5s', message);
  files.slow1 = await run('slow1', `${ws.url}/slow-echo`, '10s', message);
  files.slow2 = await run('slow2', `${ws.url}/slow-echo`, '10s', message);
  files.http = await run('http', `http://127.0.0.1:${port}/`, '2s');
  // The same echo result as written before the `ws`/`wsEcho`/`iterations` blocks existed.
  const old = JSON.parse(readFileSync(files.slow1, 'utf8')) as RunResultFile;
  old.timeline = old.timeline.map(({ ws: _ws, wsEcho: _echo, iterations: _i, ...p }) => p);
  files.old = join(dir, 'old.json');
  writeFileSync(files.old, JSON.stringify(old));
}, 180_000);

afterAll(async () => {
  await ws?.close();
  await new Promise<void>((r) => (http ? http.close(() => r()) : r()));
  rmSync(dir, { recursive: true, force: true });
});

const compare = (...args: string[]) => runCli(['compare', ...args], { cwd: dir });

describe('redline compare of WebSocket echo runs (real runs)', () => {
  it('finds the 40 ms slower echo server a regression, in text and JSON', async () => {
    const text = await compare(files.fast, files.slow1);
    expect(text.code, text.stderr).toBe(ExitCode.Regression);
    expect(text.stdout).toMatch(/^compare: WebSocket echo round trips \(ws_echo_round_trip\), /);
    expect(text.stdout).toMatch(
      /\np50 ws_echo_round_trip\s+\d+\.\d+ ms\s+4\d\.\d ms\s.*❌ regression/,
    );
    expect(text.stdout).toMatch(
      /\nthroughput\s+\d+ round trips\/s\s+\d+\.?\d* round trips\/s\s.*❌ regression/,
    );
    expect(text.stdout).not.toContain('no HTTP request');

    const json = await compare('--format', 'json', files.fast, files.slow1);
    expect(json.code).toBe(ExitCode.Regression);
    const result = JSON.parse(json.stdout) as CompareResult;
    expect(result.measure).toMatchObject({ kind: 'ws-echo', latencyMetric: 'ws_echo_round_trip' });
    expect(result.rows.map((r) => r.key)).toEqual(['p50', 'p90', 'p95', 'p99', 'errorRate', 'rps']);
    const [fast, slow] = [files.fast, files.slow1].map(
      (f) => JSON.parse(readFileSync(f, 'utf8')) as RunResultFile,
    );
    const p50 = result.rows[0]!;
    expect(p50.a).toBe(fast!.metrics['ws_echo_round_trip']!.values['med']);
    expect(p50.b).toBe(slow!.metrics['ws_echo_round_trip']!.values['med']);
    expect(p50.b).toBeGreaterThanOrEqual(40);
    const rps = result.rows.find((r) => r.key === 'rps')!;
    expect(rps.b).toBe(slow!.echo!.answered / (slow!.durationMs / 1000));
    // The messages in flight at the end (`interrupted`) are not errors.
    expect(slow!.echo!.unanswered['interrupted']).toBeGreaterThan(0);
    expect(result.rows.find((r) => r.key === 'errorRate')).toMatchObject({ a: 0, b: 0 });
  });

  it('stays silent on two runs against the same server', async () => {
    const out = await compare(files.slow1, files.slow2);
    expect(out.code, out.stdout).toBe(0);
    expect(out.stdout).toContain('per-interval values: Mann-Whitney U');
    expect(out.stdout).toContain('result: no significant regression');
    expect(out.stdout).not.toContain('❌');
  });

  it('refuses an HTTP run against an echo run: exit 2 naming both measures', async () => {
    const out = await compare(files.http, files.slow1);
    expect(out.code).toBe(ExitCode.Usage);
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain(
      `A and B measure different things: ${files.http} measured HTTP requests (http_req_duration), ${files.slow1} measured WebSocket echo round trips (ws_echo_round_trip)`,
    );
    expect(out.stderr).toContain('hint: compare runs of the same kind');
    expect(out.stderr).toContain('E_COMPARE_MEASURES');
  });

  it('HTTP runs keep their rows; an old echo file without blocks keeps the warning', async () => {
    const http = await compare(files.http, files.http);
    expect(http.code).toBe(0);
    expect(http.stdout).toMatch(/^compare: HTTP requests \(http_req_duration\), /);
    expect(http.stdout).toMatch(/\np95 latency\s+\d/);
    expect(http.stdout).toMatch(/\nthroughput\s+\d+ req\/s/);

    const old = await compare(files.old, files.old);
    expect(old.code).toBe(0);
    expect(old.stdout).toContain(
      'warning: no HTTP request in 1 of 1 run(s) of A and 1 of 1 of B: compare reads HTTP requests only',
    );
  });
});
