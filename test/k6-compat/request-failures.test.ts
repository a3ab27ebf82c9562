/**
 * Requests that fail without an HTTP response are warned about during the run (k6 logs each as
 * `Request Failed`), one line per error class at once and then a rate-limited count, so the
 * lines account for every failure the summary reports, in script and quick mode.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResultFile } from '../../src/results/run-result.js';
import { startRawServer } from '../helpers/servers.js';
import { type K6Server, startK6Server } from './helpers/k6-server.js';
import { type CliProcess, corpusScript, spawnCli } from './helpers/run-corpus.js';

let server: K6Server;
let dir: string;
beforeAll(async () => {
  server = await startK6Server();
  dir = mkdtempSync(join(tmpdir(), 'redline-failures-'));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}

/** Failures the warning lines of `errorClass` account for (1 for the first, then each count). */
function accounted(stderr: string, errorClass: string): number {
  let n = 0;
  for (const line of stderr.split('\n')) {
    if (line.startsWith(`redline: warning: request failed (${errorClass})`)) n += 1;
    const more = new RegExp(`^redline: warning: (\\d+) more requests? failed \\(${errorClass}\\)`).exec(line);
    if (more) n += Number(more[1]);
  }
  return n;
}

/** Waits until a first failure line is printed; true when the process was still running then. */
async function warnedWhileRunning(cli: CliProcess): Promise<boolean> {
  const deadline = Date.now() + 30_000;
  while (!/request failed \(/.test(cli.stderr()) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 20));
  return /request failed \(/.test(cli.stderr()) && cli.child.exitCode === null;
}

describe('request failure warnings', () => {
  it('script mode: the first refused request is printed during the run; the counts add up', async () => {
    const json = join(dir, 'script.json');
    const port = await closedPort();
    const cli = spawnCli(
      [
        'run',
        corpusScript('failures/refused.js'),
        '-q',
        '-e',
        `BASE_URL=${server.url}`,
        '-e',
        `CLOSED_PORT=${port}`,
        '--json',
        json,
      ],
      { cwd: dir },
    );
    expect(await warnedWhileRunning(cli)).toBe(true);
    const out = await cli.done;
    expect(out.code, out.stderr).toBe(0);
    expect(out.stderr).toMatch(
      new RegExp(
        `request failed \\(refused\\) at \\d+s: GET http://127\\.0\\.0\\.1:${port}/down: connection refused \\(k6 error code 1212\\)`,
      ),
    );
    const result = JSON.parse(readFileSync(json, 'utf8')) as RunResultFile;
    expect(result.errors['refused']).toBeGreaterThan(10);
    expect(accounted(out.stderr, 'refused')).toBe(result.errors['refused']);
    // Rate-limited: a 3 s run prints the first line and one count at the end.
    expect(out.stderr.match(/failed \(refused\)/g)).toHaveLength(2);
  });

  it('quick mode: a target that drops every connection is warned about during the run', async () => {
    const json = join(dir, 'quick.json');
    const dropper = await startRawServer((socket) => socket.destroy());
    try {
      const cli = spawnCli(['run', dropper.url, '-c', '2', '-d', '3s', '-q', '--json', json], {
        cwd: dir,
      });
      expect(await warnedWhileRunning(cli)).toBe(true);
      const out = await cli.done;
      const result = JSON.parse(readFileSync(json, 'utf8')) as RunResultFile;
      const classes = Object.keys(result.errors);
      expect(classes.length, out.stderr).toBeGreaterThan(0);
      for (const errorClass of classes)
        expect(accounted(out.stderr, errorClass)).toBe(result.errors[errorClass]);
    } finally {
      await dropper.close();
    }
  });
});
