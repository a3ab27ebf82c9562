// `redline profile` and `redline analyze` for non-Node targets, run as users run them (built CLI).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const CLI = join(ROOT, 'bin/redline.js');
const built = existsSync(join(ROOT, 'dist/cli/main.js'));
const hasPython = spawnSync('python3', ['-V']).status === 0;
const out = mkdtempSync(join(tmpdir(), 'redline-cli-stacks-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));
const redline = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, ...env },
  });

const APP = 'test/fixtures/apps/python/shop.py';
const HOT =
  readFileSync(join(ROOT, APP), 'utf8')
    .split('\n')
    .findIndex((l) => l.includes('# HOT')) + 1;

describe.skipIf(!built || !hasPython)('redline profile -- python3 … (built CLI)', () => {
  it('profiles the service, prints JSON findings and writes a sampler file analyze reads again', () => {
    const dir = join(out, 'py');
    const ok = redline(
      [
        'profile',
        '-c',
        '2',
        '-d',
        '3s',
        '--warmup',
        '1s',
        '-o',
        dir,
        '--json',
        '-q',
        '--',
        'python3',
        APP,
      ],
      {
        SERVER: 'single',
      },
    );
    expect(ok.status, ok.stderr).toBe(0);
    const result = JSON.parse(ok.stdout);
    expect(result.runtime).toBe('python');
    // Without --url the load goes to `/` (the cheap path): the profile is honest about that.
    expect(result.analysis.runtime).toBe('python');
    const sampler = readdirSync(dir).find((f) => /^python-\d+\.json$/.test(f));
    expect(sampler).toBeDefined();
    const again = redline(['analyze', join(dir, sampler as string), '--json']);
    expect(again.status, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).runtime).toBe('python');
  });

  it('names the hot loop when the load goes to it', () => {
    const dir = join(out, 'py-price');
    const run = redline(
      [
        'profile',
        '-c',
        '2',
        '-d',
        '3s',
        '--warmup',
        '1s',
        '--url',
        // Redline picks the port and gives it to the target as $PORT (a port chosen here could be
        // taken by the time the target binds it).
        'http://127.0.0.1:$PORT/price',
        '-o',
        dir,
        '--json',
        '-q',
        '--',
        'python3',
        APP,
      ],
      { SERVER: 'single' },
    );
    expect(run.status, run.stderr).toBe(0);
    const findings = JSON.parse(run.stdout).findings as Array<{
      location?: { line?: number; functionName?: string };
    }>;
    expect(
      findings.some((f) => f.location?.line === HOT && f.location.functionName === 'checksum'),
    ).toBe(true);
  });
});

describe.skipIf(!built)('redline analyze on other runtimes (built CLI)', () => {
  it('reads a Go pprof file with its runtime rules', () => {
    const run = redline([
      'analyze',
      'test/fixtures/profiles/go/synthetic/report-cpu.pb.gz',
      '--json',
    ]);
    expect(run.status, run.stderr).toBe(0);
    const ids = JSON.parse(run.stdout).findings.map((f: { id: string }) => f.id);
    expect(ids).toContain('gc.pressure');
    expect(ids).toContain('go.alloc');
  });
  it('says what it could not read for a broken Flight Recorder file', () => {
    const run = redline(['analyze', join(ROOT, 'test/fixtures/profiles/go/produce-go-pprof.mjs')]);
    expect(run.status).toBe(65);
    expect(run.stderr).toContain('Java Flight Recorder');
  });
});
