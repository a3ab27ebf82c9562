/** The executable entry (main.ts) as a child process: one ready line on stdout, clean exit on SIGTERM, usage errors. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_READY_PREFIX, findPackageRoot } from './index.js';

const root = findPackageRoot();
let outDir: string;
let entry: string;

beforeAll(async () => {
  // Bundled next to node_modules so the external packages (PGlite, pg) resolve as in dist/.
  const cache = join(root, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true }); // absent after a fresh `npm ci`
  outDir = mkdtempSync(join(cache, 'redline-demo-main-'));
  entry = join(outDir, 'main.mjs');
  await build({
    entryPoints: [join(root, 'src/demo/main.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outfile: entry,
    logLevel: 'silent',
  });
});

afterAll(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[]): { child: ChildProcess; exited: Promise<Exit>; out: () => string } {
  const child = spawn(process.execPath, [entry, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => {
    stdout += d;
  });
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<Exit>((resolve) => {
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
  return { child, exited, out: () => stdout };
}

async function waitForLine(out: () => string, exited: Promise<Exit>): Promise<string> {
  const deadline = Date.now() + 240_000;
  let done = false;
  void exited.then(() => {
    done = true;
  });
  while (!out().includes('\n')) {
    if (done || Date.now() > deadline) throw new Error(`no ready line; stdout: ${out()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return out();
}

describe('node dist/demo/main.js', () => {
  it('prints exactly one ready line, serves, and exits 0 on SIGTERM', async () => {
    const { child, exited, out } = run(['--port', '0']);
    try {
      const line = await waitForLine(out, exited);
      const match = new RegExp(`^${DEMO_READY_PREFIX}(http://127\\.0\\.0\\.1:(\\d+))\\n$`).exec(
        line,
      );
      expect(match).not.toBeNull();
      const health = await fetch(`${match?.[1]}/health`);
      expect(await health.json()).toEqual({ status: 'ok', database: 'pglite' });
      child.kill('SIGTERM');
      const result = await exited;
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(line);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 300_000);

  it('rejects unknown flags and bottleneck ids with exit code 2', async () => {
    const badId = await run(['--fix', 'sync-hash,warp-drive']).exited;
    expect(badId.code).toBe(2);
    expect(badId.stderr).toContain('warp-drive');
    expect(badId.stdout).toBe('');
    const badFlag = await run(['--turbo']).exited;
    expect(badFlag.code).toBe(2);
    const badPort = await run(['--port', '70000']).exited;
    expect(badPort.code).toBe(2);
  });

  it('prints usage with --help', async () => {
    const help = await run(['--help']).exited;
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--database-url');
  });
});
