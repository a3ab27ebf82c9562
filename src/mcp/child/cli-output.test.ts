// The CLI's stderr read back into data: produced by the built CLI itself, not written by hand.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCliError, parseIterationErrors, parseWarnings } from './cli-output.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const CLI = join(ROOT, 'bin/redline.js');
const built = existsSync(join(ROOT, 'dist/cli/main.js'));
const dir = mkdtempSync(join(tmpdir(), 'redline-cli-output-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI without blocking this process (a test server here must keep answering). */
function runAsync(args: string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('close', (status) => done({ status, stderr }));
  });
}

function run(args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe.skipIf(!built)('reading the CLI output (needs npm run build)', () => {
  it('reads a syntax error with its file:line:column, problems and hint', () => {
    writeFileSync(
      join(dir, 'broken.js'),
      "import http from 'k6/http';\nexport default function () {\n  http.get('x';\n}\n",
    );
    const r = run(['run', 'broken.js', '--vus', '1', '--iterations', '1', '-q']);
    expect(r.status).toBe(107);
    const error = parseCliError(r.stderr);
    expect(error).toMatchObject({
      code: 'E_SCRIPT_SYNTAX',
      exitCode: 107,
      position: { file: join(dir, 'broken.js'), line: 3, column: 15 },
      hint: expect.stringContaining('fix the syntax errors'),
    });
    expect(error?.problems?.[0]).toContain('Expected ")" but found ";"');
  });

  it('reads every problem of invalid options', () => {
    writeFileSync(
      join(dir, 'options.js'),
      "export const options = { thresholds: { http_req_duration: ['p(95)<<1'] } };\nexport default function () {}\n",
    );
    const r = run(['run', 'options.js', '-q']);
    expect(r.status).toBe(104);
    expect(parseCliError(r.stderr)).toMatchObject({
      code: 'E_CONFIG_INVALID',
      problems: [expect.stringContaining('options.thresholds')],
    });
  });

  it('locates an exception inside an iteration in the script, not in Redline', async () => {
    const server = createServer((_req, res) => res.end('not json'));
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const port = (server.address() as { port: number }).port;
    writeFileSync(
      join(dir, 'throws.js'),
      `import http from 'k6/http';\nexport default function () {\n  const r = http.get('http://127.0.0.1:${port}/');\n  r.json();\n}\n`,
    );
    const r = await runAsync(['run', 'throws.js', '--vus', '1', '--iterations', '1', '-q']);
    server.close();
    expect(r.status).toBe(0);
    const [error, ...rest] = parseIterationErrors(r.stderr, dir);
    expect(rest).toEqual([]);
    expect(error?.message).toContain('is not valid JSON');
    expect(error?.position).toEqual({ file: join(dir, 'throws.js'), line: 4, column: 5 });
  });

  it('returns nothing for a clean run and reads warnings', () => {
    expect(parseCliError('redline: result written to x.json\n')).toBeUndefined();
    expect(parseWarnings('redline: warning: a\nother\nredline: warning: b\n')).toEqual(['a', 'b']);
  });
});
