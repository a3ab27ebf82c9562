/**
 * The exit codes are one table: docs/exit-codes.md lists exactly the codes of ExitCode, with
 * their names, and no source file sets an exit code as a bare number.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ExitCode, exitCodeFor } from './exit-codes.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(name) && !/\.test\.ts$/.test(name) ? [path] : [];
  });
}

describe('exit codes', () => {
  it('docs/exit-codes.md lists every code of ExitCode, by name, and no other', () => {
    const doc = readFileSync(join(root, 'docs/exit-codes.md'), 'utf8');
    const rows = [...doc.matchAll(/^\|\s+(\d+) \| (\w+)\s+\|/gm)].map((m) => [m[2], Number(m[1])]);
    expect(Object.fromEntries(rows)).toEqual(ExitCode);
    expect(rows.map(([, code]) => code)).toEqual(Object.values(ExitCode).sort((a, b) => a - b));
  });

  it('every exit goes through ExitCode: no process.exit(<number>) or exitCode = <number> in src', () => {
    const offenders: string[] = [];
    for (const file of sourceFiles(join(root, 'src'))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/process\.exit\([^)]*\b\d+\b[^)]*\)|exitCode\s*=\s*\d+/g))
        offenders.push(`${file.slice(root.length)}: ${m[0]}`);
    }
    expect(offenders).toEqual([]);
  });

  it('bin/redline.js exits with ExitCode.NotBuilt when dist/ is missing (it cannot import the table)', () => {
    const bin = readFileSync(join(root, 'bin/redline.js'), 'utf8');
    expect([...bin.matchAll(/process\.exit\((\d+)\)/g)].map((m) => Number(m[1]))).toEqual([
      ExitCode.NotBuilt,
    ]);
  });
});

describe('exitCodeFor', () => {
  it('is 0 for a completed run with nothing failed', () => {
    expect(exitCodeFor({ reason: 'completed' })).toBe(ExitCode.Ok);
    expect(exitCodeFor({})).toBe(ExitCode.Ok);
  });

  it('decides in one order: interrupted, aborted, thresholds, checks or marked failed, no answer', () => {
    const everything = {
      thresholdsFailed: true,
      failedChecks: true,
      markedFailed: true,
      targetNeverAnswered: true,
    };
    expect(exitCodeFor({ reason: 'interrupted', ...everything })).toBe(ExitCode.Interrupted);
    expect(exitCodeFor({ reason: 'aborted-by-script', ...everything })).toBe(
      ExitCode.ScriptAborted,
    );
    expect(exitCodeFor({ reason: 'aborted-by-threshold', ...everything })).toBe(
      ExitCode.ThresholdsFailed,
    );
    expect(exitCodeFor({ reason: 'completed', ...everything, thresholdsFailed: false })).toBe(
      ExitCode.MarkedFailed,
    );
    expect(exitCodeFor({ markedFailed: true, targetNeverAnswered: true })).toBe(
      ExitCode.MarkedFailed,
    );
    expect(exitCodeFor({ failedChecks: true })).toBe(ExitCode.MarkedFailed);
    expect(exitCodeFor({ targetNeverAnswered: true })).toBe(ExitCode.TargetUnreachable);
  });
});
