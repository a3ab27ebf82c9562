/**
 * The command line through the built CLI: every usage error in one format (what and in which
 * command, a hint with "did you mean", the code, exit 2), and `redline run host:port/path`
 * targets without a scheme taken as http (as autocannon users type them).
 */
import { lookup } from 'node:dns/promises';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResultFile } from '../../src/results/run-result.js';
import { runCli } from './helpers/run-corpus.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'redline-cli-usage-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The one format of a usage error: `redline: <what>`, `hint: <how>`, `(code E_USAGE_…, exit 2)`. */
const USAGE_FORMAT = /^redline: [^\n]+\nhint: [^\n]+\n\(code E_USAGE[A-Z_]*, exit 2\)\n$/;

describe('usage errors share one format', () => {
  it.each([
    [['run', 'http://127.0.0.1:1/', '--vu', '3'], 'unknown option --vu for redline run', 'did you mean --vus?'],
    [['run', 'http://127.0.0.1:1/', '--duraton', '3s'], 'unknown option --duraton', 'did you mean --duration?'],
    [['runn'], 'unknown command "runn" for redline', 'did you mean run?'],
    [['db', 'explian'], 'unknown command "explian" for redline db', 'did you mean explain?'],
    [['run'], 'missing <target> for redline run', 'usage: redline run [options] <target>'],
    [['run', 'x.js', '-c'], '--connections needs a value', 'write --connections <n>'],
    [['run', 'a.js', 'b.js'], 'too many arguments for redline run: "a.js" "b.js"', 'quote a path'],
    [['run', 'x', '--body', 'a', '--body-file', 'b'], '--body cannot be used with --body-file', 'keep only one'],
    // A value that does not parse was already in this format: it stays so.
    [['run', 'x', '-d', '10x'], 'invalid value for --duration: "10x"', 'a duration like 30s'],
  ])('redline %j', async (args, what, hint) => {
    const out = await runCli(args, { cwd: dir });
    expect(out.code).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(USAGE_FORMAT);
    expect(out.stderr).toContain(`redline: ${what}`);
    expect(out.stderr.split('\n')[1]).toContain(hint);
  });

  it('help and version still exit 0', async () => {
    expect((await runCli(['run', '--help'], { cwd: dir })).code).toBe(0);
    expect((await runCli(['--version'], { cwd: dir })).code).toBe(0);
  });
});

describe('redline run host:port (no scheme)', () => {
  const servers: Server[] = [];
  let requests = 0;
  async function serve(host: string): Promise<number> {
    const server = createServer((_req, res) => {
      requests++;
      res.end('ok');
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, host, resolve));
    const address = server.address();
    return typeof address === 'object' && address ? address.port : 0;
  }
  afterAll(async () => {
    for (const s of servers) await new Promise((r) => s.close(r));
  });

  async function runTarget(target: string) {
    const json = join(dir, `${requests}-${Date.now()}.json`);
    const before = requests;
    const out = await runCli(['run', target, '-c', '1', '-n', '20', '-q', '--json', json], {
      cwd: dir,
    });
    expect(out.code, out.stderr).toBe(0);
    const result = JSON.parse(readFileSync(json, 'utf8')) as RunResultFile;
    expect(result.metrics['http_reqs']?.values['count']).toBe(20);
    expect(requests - before).toBeGreaterThanOrEqual(20);
    return result;
  }

  it('127.0.0.1:port/path is http://127.0.0.1:port/path', async () => {
    const port = await serve('127.0.0.1');
    const result = await runTarget(`127.0.0.1:${port}/items`);
    expect(result.meta.target).toBe(`http://127.0.0.1:${port}/items`);
  });

  it('localhost:port is http://localhost:port', async () => {
    const { address } = await lookup('localhost');
    const port = await serve(address);
    const result = await runTarget(`localhost:${port}`);
    expect(result.meta.target).toBe(`http://localhost:${port}/`);
  });

  it('[::1]:port is http://[::1]:port', async () => {
    const port = await serve('::1');
    const result = await runTarget(`[::1]:${port}/`);
    expect(result.meta.target).toBe(`http://[::1]:${port}/`);
  });

  it('a file of that name on disk stays a script', async () => {
    writeFileSync(join(dir, '127.0.0.1:9'), 'not a script');
    const out = await runCli(['run', '127.0.0.1:9'], { cwd: dir });
    expect(out.stderr).toContain('cannot load "127.0.0.1:9" as a script');
  });

  it('a missing script that looks like a host says how to write the URL', async () => {
    const out = await runCli(['run', 'localhost/'], { cwd: dir });
    expect(out.code).toBe(66);
    expect(out.stderr).toContain('script not found: localhost/');
    expect(out.stderr).toContain('to load-test a URL, write http://localhost/');
  });
});
