// The `redline analyze` and `redline profile` commands, run as users run them (built CLI).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileApps, hotSpotLine, ROOT } from './fixture-apps.js';

const CLI = join(ROOT, 'bin/redline.js');
const built =
  existsSync(join(ROOT, 'dist/cli/main.js')) && existsSync(join(ROOT, 'dist/profiler/index.js'));
const redline = (args: string[]) =>
  spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });

let apps = '';
let cleanup = () => {};
const out = mkdtempSync(join(tmpdir(), 'redline-profile-cli-'));
beforeAll(async () => {
  ({ dir: apps, cleanup } = await compileApps());
});
afterAll(() => {
  cleanup();
  rmSync(out, { recursive: true, force: true });
});

describe.skipIf(!built)('redline analyze (needs npm run build)', () => {
  it('prints the findings of a real profile as JSON', () => {
    const run = redline([
      'analyze',
      'test/fixtures/profiles/node/20.20.2/burn.cpuprofile',
      '--json',
    ]);
    expect(run.status).toBe(0);
    const analysis = JSON.parse(run.stdout);
    expect(analysis.findings[0]).toMatchObject({
      id: 'cpu.sync-crypto',
      // The fixture was recorded in /work/main: made relative only when the checkout is there.
      location: {
        file: expect.stringMatching(/(^|\/)test\/fixtures\/profiles\/burn\.cjs$/),
        line: 7,
      },
    });
  });

  it('exits 65 with the supported formats for a file it cannot read as a profile', () => {
    const run = redline(['analyze', 'package.json']);
    expect(run.status).toBe(65);
    expect(run.stderr).toContain('unknown profile format');
    expect(run.stderr).toContain('pprof protobuf');
  });

  it('exits 66 for a missing file', () => {
    expect(redline(['analyze', 'nope.cpuprofile']).status).toBe(66);
  });
});

describe.skipIf(!built)('redline profile (needs npm run build)', () => {
  it('profiles a started target and writes files that open elsewhere', () => {
    const dir = join(out, 'run');
    const run = redline([
      'profile',
      '-c',
      '4',
      '-d',
      '3s',
      '--warmup',
      '1s',
      '-o',
      dir,
      '--json',
      '-q',
      '--',
      process.execPath,
      join(apps, 'sync-crypto.mjs'),
    ]);
    expect(run.status, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.findings[0]).toMatchObject({
      id: 'cpu.sync-crypto',
      location: {
        file: 'test/fixtures/apps/profiler/sync-crypto.ts',
        line: hotSpotLine('sync-crypto'),
      },
    });
    for (const name of [
      'cpu.cpuprofile',
      'cpu.speedscope.json',
      'heap.heapprofile',
      'flamegraph.html',
      'signals.json',
      'analysis.json',
      'target.log',
    ]) {
      expect(existsSync(join(dir, name)), name).toBe(true);
    }
    // The flame graph is self-contained: no scripts, styles or images fetched from anywhere.
    const html = readFileSync(join(dir, 'flamegraph.html'), 'utf8');
    expect(html).not.toMatch(/<script|<link|src=|url\(/i);
    expect(html).toContain('sync-crypto.ts');
    // The written CPU profile and speedscope file read back as profiles.
    const again = redline(['analyze', join(dir, 'cpu.cpuprofile'), '--json']);
    expect(JSON.parse(again.stdout).findings[0].id).toBe('cpu.sync-crypto');
    expect(
      JSON.parse(redline(['analyze', join(dir, 'cpu.speedscope.json'), '--json']).stdout).profile
        .format,
    ).toBe('speedscope');
  });

  it('drives the load with a k6-style script given the target URL as BASE_URL', () => {
    const dir = join(out, 'scripted');
    const run = redline([
      'profile',
      'test/fixtures/scripts/profile-login.js',
      '-c',
      '3',
      '-d',
      '3s',
      '--warmup',
      '1s',
      '-o',
      dir,
      '--',
      process.execPath,
      join(apps, 'sync-crypto.mjs'),
    ]);
    expect(run.status, run.stderr).toBe(0);
    // The script's own summary: its group, its check, all passing against the started target.
    expect(run.stdout).toContain('✓ ::login::login answered');
    expect(run.stdout).toMatch(/checks_failed\.*: 0\.00% 0 out of [1-9]/);
    expect(run.stdout).toContain(
      `test/fixtures/apps/profiler/sync-crypto.ts:${hotSpotLine('sync-crypto')}  login → pbkdf2Sync  [cpu.sync-crypto]`,
    );
    expect(existsSync(join(dir, 'cpu.cpuprofile'))).toBe(true);
  });

  it('sends the load to the path of a $PORT URL on the port it gives the target', () => {
    const run = redline([
      'profile',
      '-c',
      '2',
      '-d',
      '2s',
      '--warmup',
      '0',
      '--url',
      'http://127.0.0.1:$PORT/anything?x=1',
      '-o',
      join(out, 'port-template'),
      '--json',
      '-q',
      '--',
      process.execPath,
      join(apps, 'sync-crypto.mjs'),
    ]);
    expect(run.status, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/anything\?x=1$/);
    expect(result.url).not.toContain('$PORT');
    expect(result.findings[0]).toMatchObject({ id: 'cpu.sync-crypto' });
  });

  it('refuses $PORT in --url for a target it does not start', () => {
    const run = redline(['profile', '--attach', '9229', '--url', 'http://127.0.0.1:$PORT/']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('Redline does not start this target');
  });

  it('exits 2 when there is nothing to profile', () => {
    const run = redline(['profile', '-d', '1s']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('nothing to profile');
  });

  it('keeps what was captured on Ctrl-C, stops the target and exits 105', async () => {
    const dir = join(out, 'interrupted');
    const child = spawn(
      process.execPath,
      [
        CLI,
        'profile',
        '-c',
        '4',
        '-d',
        '60s',
        '--warmup',
        '1s',
        '-o',
        dir,
        '--',
        process.execPath,
        join(apps, 'healthy.mjs'),
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const deadline = Date.now() + 30_000;
    while (!stderr.includes('capturing') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 2500));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code, stderr).toBe(105);
    expect(existsSync(join(dir, 'cpu.cpuprofile'))).toBe(true);
    const signals = JSON.parse(readFileSync(join(dir, 'signals.json'), 'utf8'));
    expect(signals.durationMs).toBeGreaterThan(1000);
    expect(signals.durationMs).toBeLessThan(30_000);
    expect(stderr).toContain('stopping the target');
  });
});
