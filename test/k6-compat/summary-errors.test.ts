/**
 * A failing handleSummary(): the error is shown with the script's line, the default summary is
 * printed instead, and the exit code stays the run's (k6 keeps it too; k6 prints no summary).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type K6Server, startK6Server } from './helpers/k6-server.js';
import { corpusScript, runCli } from './helpers/run-corpus.js';

let server: K6Server;
let dir: string;
beforeAll(async () => {
  server = await startK6Server();
  dir = mkdtempSync(join(tmpdir(), 'redline-summary-errors-'));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const run = (script: string, ...flags: string[]) =>
  runCli(['run', corpusScript(script), '-q', '-e', `BASE_URL=${server.url}`, ...flags], {
    cwd: dir,
  });

describe('handleSummary() failures', () => {
  it.each([
    ['passing', [], 0],
    ['failing', ['-e', 'FAIL=1'], 99],
  ] as const)('a throwing handleSummary() keeps the exit code of a run with %s thresholds (%#)', async (_, flags, code) => {
    const out = await run('summary/throws.js', ...flags);
    expect(out.code, out.stderr).toBe(code);
    expect(out.stderr).toContain(
      "handleSummary() threw: Cannot read properties of undefined (reading 'values'); printing the default summary instead (the exit code stays the run's)",
    );
    expect(out.stderr).not.toContain('exit 107');
    // The user's frames (render, then handleSummary), mapped to the script's lines.
    expect(out.stderr).toMatch(/summary\/throws\.js:15:\d+[\s\S]*summary\/throws\.js:19:\d+/);
    expect(out.stderr).not.toMatch(/dist\/|node:internal/);
    expect(out.stdout).not.toContain('never printed');
    expect(out.stdout).toMatch(/http_reqs\.+: 3 /);
    expect(out.stdout).toContain(code === 0 ? "✓ 'count>0'" : "✗ 'count>1000'");
  });

  it('a destination that cannot be written is reported; the others are written; exit 0', async () => {
    const out = await run('summary/bad-destination.js', '-e', `OUT_DIR=${dir}`);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toBe('custom summary: 2 requests\n');
    expect(out.stderr).toMatch(/handleSummary\(\): could not write ".*no-such-folder\/summary\.json"/);
  });
});
