/**
 * A dead metrics sink costs a run at most the flush timeout: `redline run` with `--out
 * prometheus-rw` to a server that accepts and never answers and `--out otlp` to a port that
 * refuses ends within the run's duration plus REDLINE_OUT_FLUSH_TIMEOUT (outputs finish side by
 * side, and nothing of theirs keeps the process alive), exits 0 and names each sink and what it
 * lost. Before the bound, the remote-write flush alone waited up to 15 s.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpServer, type TestServer } from '../helpers/servers.js';

const BIN = fileURLToPath(new URL('../../bin/redline.js', import.meta.url));
const RUN_MS = 2000;
const FLUSH_MS = 1000;
// The same run without outputs is timed first, so the CLI's start-up (slow on a busy machine)
// cancels out. What is left is the outputs' cost: the flush timeout plus their own start-up (the
// OTLP SDK), given generous room for a loaded machine (seen: 1.3-1.9 s with both cores busy);
// still far below the 15 s that the remote-write flush alone waited before the bound.
const OUTPUTS_MARGIN_MS = 7000;

let target: TestServer;
let blackhole: Server;
const sockets = new Set<Socket>();
let blackholePort = 0;
let refusedPort = 0;

beforeAll(async () => {
  target = await startHttpServer((_req, res) => res.end('ok'));
  blackhole = createServer((socket) => {
    sockets.add(socket);
    socket.on('data', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((r) => blackhole.listen(0, '127.0.0.1', r));
  blackholePort = (blackhole.address() as { port: number }).port;
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  refusedPort = (closed.address() as { port: number }).port;
  await new Promise((r) => closed.close(r));
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => blackhole?.close(r));
  await target?.close();
});

/** Runs `redline run <target> -d RUN_MS -c 1 -q <extra>`; resolves with its exit, stderr and wall time. */
async function timedRun(
  extra: string[],
): Promise<{ code: number | null; stderr: string; elapsed: number }> {
  const started = performance.now();
  const run = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [BIN, 'run', `${target.url}/`, '-d', `${RUN_MS}ms`, '-c', '1', '-q', ...extra],
      {
        env: { ...process.env, NO_COLOR: '1', REDLINE_OUT_FLUSH_TIMEOUT: `${FLUSH_MS}ms` },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stderr });
    });
  });
  return { ...run, elapsed: performance.now() - started };
}

describe('a dead metrics sink', () => {
  it('adds at most the flush timeout to a run and says what was lost where', async () => {
    const plain = await timedRun([]);
    expect(plain.code, plain.stderr).toBe(0);
    const run = await timedRun([
      '--out',
      `prometheus-rw=http://127.0.0.1:${blackholePort}/api/v1/write`,
      '--out',
      `otlp=http://127.0.0.1:${refusedPort}`,
    ]);
    expect(run.code, run.stderr).toBe(0);
    console.log(
      `dead sinks: ${Math.round(run.elapsed)} ms; without outputs: ${Math.round(plain.elapsed)} ms`,
    );
    expect(run.elapsed - plain.elapsed).toBeLessThan(FLUSH_MS + OUTPUTS_MARGIN_MS);
    expect(run.stderr).toMatch(
      new RegExp(
        `redline: warning: \\d+ of \\d+ batch(es)? not delivered to prometheus-rw http://127\\.0\\.0\\.1:${blackholePort}/api/v1/write: no answer`,
      ),
    );
    // The refused connection is named when the OTLP exporter's attempt failed before the flush
    // timeout; on a busy machine the attempt may still be pending then, and the warning says
    // exactly that (src/outputs/delivery.test.ts checks the wording of each cause).
    expect(run.stderr).toMatch(
      new RegExp(
        `redline: warning: \\d+ of \\d+ batch(es)? not delivered to otlp http://127\\.0\\.0\\.1:${refusedPort}/v1/metrics: (connection refused|no answer before the flush timeout)`,
      ),
    );
  }, 60_000);
});
