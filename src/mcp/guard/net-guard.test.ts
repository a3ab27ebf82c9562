import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllowList } from './allow-list.js';
import { ALLOW_ENV, BLOCKED_CODE, guardedLookup, vetConnect } from './net-guard.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const GUARD = join(ROOT, 'dist/mcp/guard/net-guard.js');
const built = existsSync(GUARD);

function list(entries: string[]) {
  const l = parseAllowList(entries);
  if (Array.isArray(l)) throw new Error(l.join());
  return l;
}

describe('network guard: decisions', () => {
  it('checks the addresses of every resolution (a name that changes its answer is caught)', async () => {
    const answers = [['127.0.0.1'], ['10.0.0.1']];
    const lookup = guardedLookup(list(['127.0.0.0/8']), (_host, _options, cb) => {
      const next = answers.shift() as string[];
      cb(
        null,
        next.map((address) => ({ address, family: 4 })),
      );
    });
    const ask = () =>
      new Promise<NodeJS.ErrnoException | null>((done) =>
        lookup('rebind.example', { all: true }, (error) => done(error)),
      );
    expect(await ask()).toBeNull();
    const second = await ask();
    expect(second?.code).toBe(BLOCKED_CODE);
    expect(second?.message).toBe(
      'blocked by redline mcp: rebind.example (resolves to 10.0.0.1) is not an allowed target (targets.allow: 127.0.0.0/8)',
    );
  });

  it('refuses IP literals outside the list and Unix sockets; trusts listed names', () => {
    const l = list(['127.0.0.1/32', 'localhost']);
    expect(vetConnect({ host: '127.0.0.1' }, l)).toBeNull();
    expect((vetConnect({ host: '127.0.0.2' }, l) as Error).message).toContain(
      '127.0.0.2 is not an allowed target',
    );
    expect((vetConnect({ host: '::ffff:10.0.0.1' }, l) as Error).message).toContain('10.0.0.1');
    expect((vetConnect({ path: '/var/run/docker.sock' }, l) as Error).message).toContain(
      'Unix socket',
    );
    expect(vetConnect({ host: 'localhost' }, l)).toBeNull();
    expect(typeof vetConnect({ host: 'example.test' }, l)).toBe('function');
  });
});

// A child process with the guard preloaded, as `redline mcp` starts the CLI: connections through
// node:net, node:http, fetch and a worker thread to an allowed and a forbidden loopback address.
const CHILD = `
import net from 'node:net';
import http from 'node:http';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
const attempt = (host, port) => new Promise((done) => {
  const s = net.connect({ host, port });
  s.once('connect', () => { s.destroy(); done('connected'); });
  s.once('error', (e) => done(e.code ?? e.message));
});
if (!isMainThread) {
  parentPort.postMessage(await attempt(workerData.host, workerData.port));
} else {
  const [okPort, badPort] = process.argv.slice(2).map(Number);
  const out = {};
  out.netOk = await attempt('127.0.0.1', okPort);
  out.netBad = await attempt('127.0.0.2', badPort);
  out.netBadPositional = await new Promise((done) => {
    const s = net.connect(badPort, '127.0.0.2');
    s.once('connect', () => { s.destroy(); done('connected'); });
    s.once('error', (e) => done(e.code));
  });
  out.httpBad = await new Promise((done) => {
    http.get('http://127.0.0.2:' + badPort + '/', () => done('answered')).once('error', (e) => done(e.code));
  });
  out.fetchBad = await fetch('http://127.0.0.2:' + badPort + '/').then(() => 'answered', (e) => e.cause?.code ?? e.message);
  out.workerBad = await new Promise((done) => {
    new Worker(new URL(import.meta.url), { workerData: { host: '127.0.0.2', port: badPort } }).once('message', done);
  });
  out.workerOk = await new Promise((done) => {
    new Worker(new URL(import.meta.url), { workerData: { host: '127.0.0.1', port: okPort } }).once('message', done);
  });
  console.log(JSON.stringify(out));
}
`;

let dir = '';
const servers: Server[] = [];
const seen = { ok: 0, bad: 0 };
async function listen(host: string, onConnection: () => void): Promise<number> {
  const server = createServer((socket) => {
    onConnection();
    socket.destroy();
  });
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, host, done));
  return (server.address() as { port: number }).port;
}
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'redline-net-guard-'));
  writeFileSync(join(dir, 'child.mjs'), CHILD);
});
afterAll(() => {
  for (const s of servers) s.close();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!built)('network guard in a child process (needs npm run build)', () => {
  it('blocks every way out to a forbidden address, worker threads included; nothing reaches it', async () => {
    const okPort = await listen('127.0.0.1', () => seen.ok++);
    const badPort = await listen('127.0.0.2', () => seen.bad++);
    const run = spawnSync(
      process.execPath,
      ['--import', GUARD, join(dir, 'child.mjs'), String(okPort), String(badPort)],
      {
        env: { ...process.env, [ALLOW_ENV]: JSON.stringify(['127.0.0.1/32']) },
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      netOk: 'connected',
      netBad: BLOCKED_CODE,
      netBadPositional: BLOCKED_CODE,
      httpBad: BLOCKED_CODE,
      fetchBad: BLOCKED_CODE,
      workerBad: BLOCKED_CODE,
      workerOk: 'connected',
    });
    // spawnSync held this event loop while the child ran, so the servers' accept callbacks run
    // only now: wait until both allowed connections are counted (bounded; a fixed 50 ms was too
    // short at load 20+), then give the loop one more turn before checking the forbidden side.
    const until = Date.now() + 10_000;
    while (seen.ok < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 50));
    expect(seen.bad).toBe(0);
    expect(seen.ok).toBe(2);
  });

  it('refuses to start with a malformed allow-list (fails closed)', () => {
    const run = spawnSync(process.execPath, ['--import', GUARD, '-e', 'console.log("ran")'], {
      env: { ...process.env, [ALLOW_ENV]: JSON.stringify(['10.0.0.0/99']) },
      encoding: 'utf8',
    });
    expect(run.status).not.toBe(0);
    expect(run.stdout).not.toContain('ran');
    expect(run.stderr).toContain('prefix length');
  });
});
