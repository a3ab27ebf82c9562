/** Runs promtool (Debian package `prometheus`) to check generated rules, their tests and PromQL. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { stringify } from 'yaml';
import { ExitCode } from '../errors/exit-codes.js';
import { RedlineError } from '../errors/redline-error.js';

/** Result of one promtool run. */
export interface PromtoolResult {
  ok: boolean;
  output: string;
}

/** Finds promtool: $PROMTOOL, then the PATH. Throws a clear error naming the package when missing. */
export function findPromtool(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env['PROMTOOL'];
  if (explicit) {
    if (existsSync(explicit)) return explicit;
    throw missing(`PROMTOOL=${explicit} does not exist`);
  }
  for (const dir of (env['PATH'] ?? '/usr/bin').split(delimiter)) {
    const candidate = join(dir, 'promtool');
    if (dir && existsSync(candidate)) return candidate;
  }
  throw missing('promtool is not installed');
}

function missing(message: string): RedlineError {
  return new RedlineError('E_PROMTOOL_MISSING', message, {
    hint: 'install it with `apt-get install prometheus` (Debian/Ubuntu) or put a Prometheus release on the PATH',
    exitCode: ExitCode.Unavailable,
  });
}

/** Runs promtool with `args` in `cwd` (60 s limit). */
export function runPromtool(args: string[], cwd?: string, binary = findPromtool()): PromtoolResult {
  const r = spawnSync(binary, args, { cwd, encoding: 'utf8', timeout: 60_000 });
  return { ok: r.status === 0, output: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() };
}

/** `promtool check rules <file>`. */
export function checkRules(file: string, binary?: string): PromtoolResult {
  return runPromtool(['check', 'rules', file], undefined, binary);
}

/** `promtool test rules <file>` (run in the file's folder, as rule_files are relative to it). */
export function testRules(testFile: string, cwd: string, binary?: string): PromtoolResult {
  return runPromtool(['test', 'rules', testFile], cwd, binary);
}

/**
 * Parses PromQL expressions with Prometheus' own parser: each becomes a recording rule in a
 * temporary rule file checked by `promtool check rules`. Returns the failing expressions.
 */
export function checkPromql(
  expressions: readonly string[],
  binary?: string,
): Array<{ expr: string; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'redline-promql-'));
  try {
    const failures: Array<{ expr: string; output: string }> = [];
    const file = join(dir, 'exprs.yml');
    const write = (exprs: readonly string[]) =>
      writeFileSync(
        file,
        stringify({
          groups: [
            { name: 'check', rules: exprs.map((expr, i) => ({ record: `check:expr:${i}`, expr })) },
          ],
        }),
      );
    write(expressions);
    if (checkRules(file, binary).ok) return [];
    // Something failed: find which, one at a time.
    for (const expr of expressions) {
      write([expr]);
      const r = checkRules(file, binary);
      if (!r.ok) failures.push({ expr, output: r.output });
    }
    return failures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
