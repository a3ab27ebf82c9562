/**
 * `redline profile` never quotes credentials: not the hard-coded ones on the target's hot line
 * (source snippets in analysis.json, the terminal and --json are redacted and trimmed), not a
 * token in the load URL. Runs the built CLI on a fixture service whose hot line holds an AWS-style
 * key id, a password and an opaque API key.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../src/util/net.js';
import { ROOT } from './fixture-apps.js';

const CLI = join(ROOT, 'bin/redline.js');
const APP = join(ROOT, 'test/fixtures/apps/profiler/hardcoded-secrets.mjs');
const built = existsSync(join(ROOT, 'dist/cli/main.js'));
const out = mkdtempSync(join(tmpdir(), 'redline-profile-secrets-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe.skipIf(!built)('redline profile artefacts (needs npm run build)', () => {
  it('hold no credential from the source or the URL, and still point at the hot line', async () => {
    const port = await findFreePort();
    const dir = join(out, 'run');
    const args = ['-c', '4', '-d', '3s', '--warmup', '500ms', '-o', dir];
    const url = `http://127.0.0.1:${port}/sign?token=SECRET_U20&page=2`;
    const run = spawnSync(
      process.execPath,
      [CLI, 'profile', ...args, '--url', url, '--json', '--', process.execPath, APP],
      {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 90_000,
        env: { ...process.env, PORT: String(port) },
      },
    );
    expect(run.status, run.stderr).toBe(0);
    const files = readdirSync(dir).filter((f) => f !== 'target.log');
    expect(files).toEqual(
      expect.arrayContaining(['analysis.json', 'cpu.speedscope.json', 'flamegraph.html']),
    );
    const everything = [
      run.stdout,
      run.stderr,
      ...files.map((f) => readFileSync(join(dir, f), 'utf8')),
    ].join('\n');
    expect([...new Set(everything.match(/SECRET[A-Z0-9_]*/g) ?? [])]).toEqual([]);

    // The evidence is still there and points at the hot line, with the credentials redacted.
    const analysis = readFileSync(join(dir, 'analysis.json'), 'utf8');
    expect(analysis).toContain("createHmac('sha256', '[REDACTED]')");
    expect(analysis).toContain('hardcoded-secrets.mjs');
    expect(JSON.parse(run.stdout).url).toBe(
      `http://127.0.0.1:${port}/sign?token=[REDACTED]&page=2`,
    );
  }, 120_000);
});
