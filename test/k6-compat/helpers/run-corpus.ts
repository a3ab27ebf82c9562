/** Runs one corpus script in this process (runScriptTest) or through the built CLI, and reads its result. */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CliOverrides } from '../../../src/config/cli-overrides.js';
import { runScriptTest, type ScriptRunResult } from '../../../src/engine/script-run/run-script.js';
import type { ResultMetric } from '../../../src/results/run-result.js';

/** Absolute path of a corpus script (`test/k6-compat/scripts/<name>`). */
export function corpusScript(name: string): string {
  return fileURLToPath(new URL(`../scripts/${name}`, import.meta.url));
}

/** A finished in-process run plus the warnings and iteration errors it reported. */
export interface CorpusRun extends ScriptRunResult {
  warnings: string[];
  scriptErrors: string[];
}

/** Runs `name` with `BASE_URL` in __ENV and the given CLI overrides, in this thread. */
export async function runCorpus(
  name: string,
  baseUrl: string,
  cli: CliOverrides = {},
  workers = 1,
): Promise<CorpusRun> {
  const warnings: string[] = [];
  const scriptErrors: string[] = [];
  const env = Array.isArray(cli.env)
    ? [...(cli.env as string[])]
    : Object.entries(cli.env ?? {}).map(([k, v]) => `${k}=${v}`);
  const run = await runScriptTest({
    scriptPath: corpusScript(name),
    cli: { ...cli, env: [`BASE_URL=${baseUrl}`, ...env] },
    workers,
    onWarning: (w) => warnings.push(w),
    onScriptError: (message, stack) => scriptErrors.push(`${message}\n${stack}`),
  });
  return { ...run, warnings, scriptErrors };
}

/** A metric's value (`count`, `rate`, `p(95)`, ...) or undefined when the metric is absent. */
export function metricValue(
  run: Pick<CorpusRun, 'result'>,
  metric: string,
  stat: string,
): number | undefined {
  const m: ResultMetric | undefined = run.result.metrics[metric];
  return m?.values[stat];
}

/** Passes and fails of the check `name` (in group path `path`, '' for the root). */
export function checkCounts(
  run: Pick<CorpusRun, 'result'>,
  name: string,
  path = '',
): { passes: number; fails: number } | undefined {
  const c = run.result.checks.find((x) => x.name === name && x.path === path);
  return c ? { passes: c.passes, fails: c.fails } : undefined;
}

/** The outcome of the threshold `expression` on `metric`. */
export function thresholdOk(
  run: Pick<CorpusRun, 'result'>,
  metric: string,
  expression: string,
): boolean | undefined {
  return run.result.thresholds.find((t) => t.metric === metric && t.expression === expression)?.ok;
}

/** The output of a CLI run. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

const BIN = fileURLToPath(new URL('../../../bin/redline.js', import.meta.url));

/** A running CLI process: its output so far and its exit. */
export interface CliProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (null when killed by a signal) once the process closed. */
  done: Promise<CliRun>;
}

/** Starts the built CLI (`node bin/redline.js <args>`) in `cwd`; kills it after `timeoutMs`. */
export function spawnCli(
  args: string[],
  options: { cwd?: string; timeoutMs?: number; env?: Record<string, string> } = {},
): CliProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? process.cwd(),
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  const done = new Promise<CliRun>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
  return { child, stdout: () => stdout, stderr: () => stderr, done };
}

/** Runs the built CLI (`node bin/redline.js <args>`) in `cwd`; kills it after `timeoutMs`. */
export function runCli(
  args: string[],
  options: { cwd?: string; timeoutMs?: number; env?: Record<string, string> } = {},
): Promise<CliRun> {
  return spawnCli(args, options).done;
}
