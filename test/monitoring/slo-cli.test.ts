// `redline slo generate` through commander: files written, promtool checks run, clear errors.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { register } from '../../src/cli/commands/slo.js';
import { ExitCode } from '../../src/errors/exit-codes.js';
import { isRedlineError } from '../../src/errors/redline-error.js';
import { requireBinaries } from '../helpers/require-binary.js';

const promtool = requireBinaries('promtool');
const dir = mkdtempSync(join(tmpdir(), 'redline-slo-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[]): Promise<string> {
  const program = new Command('redline').exitOverride();
  register(program);
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    chunks.push(String(chunk));
    return true;
  });
  try {
    await program.parseAsync(['node', 'redline', ...args]);
  } finally {
    spy.mockRestore();
  }
  return chunks.join('');
}

describe('redline slo generate', () => {
  it.skipIf(promtool.skip)(
    'writes rules, tests and dashboard, and --check runs promtool on them',
    async () => {
      const file = join(dir, 'slo.yaml');
      writeFileSync(file, 'service: shop\ncriteria: { p99: 500ms, errorRate: 0.1% }\n');
      const out = await cli(['slo', 'generate', file, '-o', join(dir, 'out'), '--check']);
      expect(out).toContain('2 SLO(s) of shop: 26 recording and 4 alerting rules');
      expect(out).toContain('promtool check rules: ok');
      expect(out).toContain('promtool test rules: ok');
      expect(out).toContain('dashboard PromQL: ok');
      for (const f of ['shop.rules.yml', 'shop.rules.test.yml', 'shop.dashboard.json'])
        expect(existsSync(join(dir, 'out', f))).toBe(true);
      expect(JSON.parse(readFileSync(join(dir, 'out', 'shop.dashboard.json'), 'utf8')).title).toBe(
        'shop SLOs',
      );
    },
  );

  it('fails with a clear error and exit code for a missing or invalid file', async () => {
    const missing = await cli(['slo', 'generate', join(dir, 'nope.yaml')]).catch((e: unknown) => e);
    expect(isRedlineError(missing) && missing.exitCode).toBe(ExitCode.NoInput);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      'service: shop\nslos:\n  - name: a\n    objective: 101\n    sli: { availability: {} }\n',
    );
    const invalid = await cli(['slo', 'generate', bad, '-o', join(dir, 'bad')]).catch(
      (e: unknown) => e,
    );
    expect(isRedlineError(invalid) && invalid.exitCode).toBe(ExitCode.InvalidConfig);
    expect(isRedlineError(invalid) && invalid.problems[0]).toMatch(
      /bad\.yaml:4:\d+: slos\[0\]\.objective: must be a percentage/,
    );
  });
});
