/**
 * Ctrl-C through the built CLI, with real signals against a loopback server: the first signal
 * stops every phase at once (setup(), the load, teardown()) and writes what was measured (exit
 * 105); a second one quits at once, still writing what was measured (exit 130 after SIGINT, 143
 * after SIGTERM). Bounds on time are generous (a busy machine must not fail them); the measured
 * times are printed.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
  dir = mkdtempSync(join(tmpdir(), 'redline-signals-'));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * "At once": the scripts would otherwise go on for 30-60 s (setup()/teardown() sleep 60 s, the
 * load lasts 30 s), so 10 s tells the two apart with room for a busy machine (seen: 0.3-0.75 s
 * with both cores busy).
 */
const PROMPT_EXIT_MS = 10_000;

/** Waits until `ready()` holds (checked every 20 ms), failing after 30 s. */
async function until(what: string, ready: () => boolean): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Sends `signal` and returns the exit with the milliseconds it took. */
async function stop(cli: CliProcess, signal: NodeJS.Signals) {
  const sent = performance.now();
  cli.child.kill(signal);
  const run = await cli.done;
  return { ...run, ms: performance.now() - sent };
}

/** Starts `redline run <corpus script> -q -e BASE_URL=… <flags>`. */
const start = (script: string, ...flags: string[]) =>
  spawnCli(['run', corpusScript(script), '-q', '-e', `BASE_URL=${server.url}`, ...flags], {
    cwd: dir,
  });

const readResult = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as RunResultFile;
const count = (result: RunResultFile, metric: string) =>
  result.metrics[metric]?.values['count'] ?? 0;

describe('Ctrl-C in script mode', () => {
  it('during setup(): stops at once, prints and writes what setup() measured, exit 105', async () => {
    server.reset();
    const cli = start('signals/setup-sleeps.js');
    await until('setup() to send its request', () => server.hits('/json') === 1);
    const out = await stop(cli, 'SIGINT');
    console.log(`Ctrl-C during setup(): exited in ${out.ms.toFixed(0)} ms`);
    expect(out.code, out.stderr).toBe(105);
    expect(out.ms).toBeLessThan(PROMPT_EXIT_MS);
    expect(out.stdout).toContain('interrupted during setup()');
    expect(out.stdout).toMatch(/http_reqs\.+: 1 /);
    // The load never started.
    expect(server.hits('/ok')).toBe(0);
  });

  it('during setup(): --json and --summary-export hold setup()’s request', async () => {
    server.reset();
    const json = join(dir, 'setup-result.json');
    const exported = join(dir, 'setup-export.json');
    const cli = start('signals/setup-sleeps.js', '--json', json, '--summary-export', exported);
    await until('setup() to send its request', () => server.hits('/json') === 1);
    const out = await stop(cli, 'SIGINT');
    expect(out.code, out.stderr).toBe(105);
    const result = readResult(json);
    expect(result.reason).toBe('interrupted');
    expect(result.detail).toBe('interrupted during setup()');
    expect(count(result, 'http_reqs')).toBe(1);
    // The rate is over the time setup() ran, not over a 0 ms load window.
    expect(result.metrics['http_reqs']?.values['rate']).toBeLessThan(100);
    expect(JSON.parse(readFileSync(exported, 'utf8')).metrics.http_reqs.count).toBe(1);
  });

  it('during teardown(): stops at once with the iterations measured, exit 105', async () => {
    server.reset();
    const json = join(dir, 'teardown.json');
    const cli = start('signals/teardown-sleeps.js', '--json', json);
    await until('teardown() to send its request', () => server.hits('/echo') === 1);
    const out = await stop(cli, 'SIGINT');
    console.log(`Ctrl-C during teardown(): exited in ${out.ms.toFixed(0)} ms`);
    expect(out.code, out.stderr).toBe(105);
    expect(out.ms).toBeLessThan(PROMPT_EXIT_MS);
    const result = readResult(json);
    expect(result.detail).toBe('interrupted during teardown()');
    expect(count(result, 'iterations')).toBe(3);
    // 3 iterations + teardown()'s request.
    expect(count(result, 'http_reqs')).toBe(4);
  });

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('a second %s quits at once (exit %i) and still writes what was measured', async (signal, code) => {
    server.reset();
    const json = join(dir, `forced-${signal}.json`);
    const cli = start('signals/summary-hangs.js', '--json', json);
    // Wait past the first 1 s interval, so there are measurements to write.
    await until('the load to run', () => server.hits('/ok') > 0);
    await new Promise((r) => setTimeout(r, 1500));
    cli.child.kill(signal);
    // handleSummary() never returns: the first signal alone does not end the process.
    await until('the first signal to be handled', () => cli.stderr().includes('stopping'));
    const out = await stop(cli, signal);
    console.log(`second ${signal}: exited in ${out.ms.toFixed(0)} ms`);
    expect(out.code, out.stderr).toBe(code);
    expect(out.ms).toBeLessThan(PROMPT_EXIT_MS);
    expect(out.stderr).toContain(`second ${signal}: quitting at once (exit ${code})`);
    const result = readResult(json);
    expect(result.reason).toBe('interrupted');
    expect(result.detail).toContain('forced exit');
    expect(count(result, 'http_reqs')).toBeGreaterThan(0);
    expect(count(result, 'http_reqs')).toBeLessThanOrEqual(server.hits('/ok'));
    expect(out.stdout).toContain('http_reqs');
  });
});

describe('Ctrl-C in quick mode', () => {
  it('a second Ctrl-C during a slow output flush quits at once (exit 130), still writing --json', async () => {
    server.reset();
    const json = join(dir, 'quick-forced.json');
    // A remote-write receiver that accepts connections and never answers: after the first
    // Ctrl-C the run waits for its final flush (up to REDLINE_OUT_FLUSH_TIMEOUT, 60 s here).
    const sink = await startRawServer(() => {});
    try {
      const cli = spawnCli(
        [
          'run',
          `${server.url}/ok`,
          '-c',
          '2',
          '-d',
          '30s',
          '-q',
          '--json',
          json,
          '--out',
          `prometheus-rw=${sink.url}/api/v1/write`,
        ],
        { cwd: dir, env: { REDLINE_OUT_FLUSH_TIMEOUT: '60s' } },
      );
      await until('the load to run', () => server.hits('/ok') > 50);
      await new Promise((r) => setTimeout(r, 1500));
      cli.child.kill('SIGINT');
      await until('the first signal to be handled', () => cli.stderr().includes('stopping'));
      const out = await stop(cli, 'SIGINT');
      console.log(`second SIGINT in quick mode: exited in ${out.ms.toFixed(0)} ms`);
      expect(out.code, out.stderr).toBe(130);
      expect(out.ms).toBeLessThan(PROMPT_EXIT_MS);
      const result = readResult(json);
      expect(result.detail).toContain('forced exit');
      expect(count(result, 'http_reqs')).toBeGreaterThan(0);
      expect(count(result, 'http_reqs')).toBeLessThanOrEqual(server.hits('/ok'));
      expect(out.stdout).toContain('http_reqs');
    } finally {
      await sink.close();
    }
  });

  it('stops the load at once and writes what was measured, exit 105', async () => {
    server.reset();
    const json = join(dir, 'quick.json');
    const cli = spawnCli(['run', `${server.url}/ok`, '-c', '2', '-d', '30s', '-q', '--json', json], {
      cwd: dir,
    });
    await until('the load to run', () => server.hits('/ok') > 50);
    const out = await stop(cli, 'SIGINT');
    console.log(`Ctrl-C in quick mode: exited in ${out.ms.toFixed(0)} ms`);
    expect(out.code, out.stderr).toBe(105);
    expect(out.ms).toBeLessThan(PROMPT_EXIT_MS);
    const result = readResult(json);
    expect(result.reason).toBe('interrupted');
    expect(count(result, 'http_reqs')).toBeGreaterThan(0);
    expect(count(result, 'http_reqs')).toBeLessThanOrEqual(server.hits('/ok'));
  });
});
