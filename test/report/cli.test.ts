// Tests of `redline report` and `redline compare` through commander, on synthetic result files.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { register as registerCompare } from '../../src/cli/commands/compare.js';
import { register as registerReport } from '../../src/cli/commands/report.js';
import { ExitCode } from '../../src/errors/exit-codes.js';
import { isRedlineError } from '../../src/errors/redline-error.js';
import {
  createSyntheticAudit,
  SYNTHETIC_SECRETS,
} from '../../src/results/__fixtures__/synthetic-audit.js';
import { createSyntheticRun } from '../../src/results/__fixtures__/synthetic-run.js';

let dir: string;
const file = (name: string, value: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
};

async function cli(...args: string[]): Promise<{ stdout: string; exitCode: number }> {
  const program = new Command('redline').exitOverride();
  registerReport(program);
  registerCompare(program);
  let stdout = '';
  const spyOut = vi
    .spyOn(process.stdout, 'write')
    .mockImplementation((chunk: string | Uint8Array) => {
      stdout += String(chunk);
      return true;
    });
  const spyErr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  process.exitCode = undefined;
  try {
    await program.parseAsync(['node', 'redline', ...args]);
    return { stdout, exitCode: Number(process.exitCode ?? 0) };
  } catch (error) {
    if (isRedlineError(error)) return { stdout, exitCode: error.exitCode };
    throw error;
  } finally {
    spyOut.mockRestore();
    spyErr.mockRestore();
    process.exitCode = undefined;
  }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'redline-report-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

describe('redline report', () => {
  it('prints Markdown of a run to stdout', async () => {
    const r = await cli('report', file('run.json', createSyntheticRun()));
    expect(r.exitCode).toBe(0);
    expect(r.stdout.startsWith('## Performance Analysis Report')).toBe(true);
  });

  it('writes all four formats of an audit, none with a secret', async () => {
    const out = join(dir, 'out');
    const r = await cli('report', file('audit.json', createSyntheticAudit()), '--out', out);
    expect(r.exitCode).toBe(0);
    for (const name of ['report.md', 'report.html', 'report.json', 'junit.xml']) {
      const text = readFileSync(join(out, name), 'utf8');
      for (const s of SYNTHETIC_SECRETS) expect(text, name).not.toContain(s);
    }
  });

  it('writes one chosen format', async () => {
    const out = join(dir, 'junit-only');
    await cli('report', file('run2.json', createSyntheticRun()), '-f', 'junit', '-o', out);
    expect(existsSync(join(out, 'junit.xml'))).toBe(true);
    expect(existsSync(join(out, 'report.md'))).toBe(false);
  });

  it('exits with DataError for an unknown format field, NoInput for a missing file, Usage for a bad flag', async () => {
    expect((await cli('report', file('k6.json', { format: 'k6' }))).exitCode).toBe(
      ExitCode.DataError,
    );
    expect((await cli('report', file('bad.json', '{nope'))).exitCode).toBe(ExitCode.DataError);
    expect((await cli('report', join(dir, 'missing.json'))).exitCode).toBe(ExitCode.NoInput);
    expect(
      (await cli('report', file('run3.json', createSyntheticRun()), '-f', 'pdf')).exitCode,
    ).toBe(ExitCode.Usage);
  });
});

describe('redline compare', () => {
  it('exits 112 on a significant regression and 0 without one', async () => {
    const a = file('a.json', createSyntheticRun({ seed: 1, seconds: 60, p50: 50 }));
    const b = file('b.json', createSyntheticRun({ seed: 2, seconds: 60, p50: 62 }));
    const same = file('same.json', createSyntheticRun({ seed: 3, seconds: 60, p50: 50 }));
    const bad = await cli('compare', a, b);
    expect(bad.exitCode).toBe(ExitCode.Regression);
    expect(bad.stdout).toContain('❌ regression');
    expect((await cli('compare', a, same)).exitCode).toBe(0);
    expect((await cli('compare', b, a)).exitCode).toBe(0);
  });

  it('compares groups of runs with --a/--b and a custom threshold, as JSON', async () => {
    const runs = (p50: number, seeds: number[]) =>
      seeds.map((seed) =>
        file(`g${seed}.json`, createSyntheticRun({ seed, seconds: 20, p50, noise: 0.03 })),
      );
    const r = await cli(
      'compare',
      '--a',
      ...runs(50, [71, 72, 73, 74, 75]),
      '--b',
      ...runs(53, [81, 82, 83, 84, 85]),
      '--threshold',
      '10%',
      '--format',
      'json',
    );
    const result = JSON.parse(r.stdout);
    expect(result.mode).toBe('runs');
    expect(result.threshold).toBeCloseTo(0.1, 12);
    expect(result.rows.find((x: { key: string }) => x.key === 'p50').verdict).toBe('no-change');
    expect(r.exitCode).toBe(0);
  });

  it('compares the load steps of two audits', async () => {
    const slower = createSyntheticAudit();
    const load = slower.steps.find((s) => s.kind === 'load')!;
    load.run = createSyntheticRun({ seed: 99, seconds: 60, rps: 420, p50: 90, users: 50 });
    const r = await cli(
      'compare',
      file('audit-a.json', createSyntheticAudit()),
      file('audit-b.json', slower),
    );
    expect(r.exitCode).toBe(ExitCode.Regression);
  });

  it('rejects bad usage', async () => {
    const a = file('u.json', createSyntheticRun());
    expect((await cli('compare', a)).exitCode).toBe(ExitCode.Usage);
    expect((await cli('compare', a, a, '--threshold', 'lots')).exitCode).toBe(ExitCode.Usage);
    expect((await cli('compare', a, a, '--step', 'warmup')).exitCode).toBe(ExitCode.Usage);
  });
});
