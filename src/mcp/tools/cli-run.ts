/**
 * `redline run` as a child process for the MCP tools: the result and the per-second series go to
 * the call's results folder (`result.json`, `timeline.ndjson`), progress notifications follow the
 * series as it is written, and cancellation or a guard-rail limit is the CLI's own Ctrl-C (the
 * partial result is written). Also the pre-run inspection of a script's plan.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import type { RunResultFile } from '../../results/run-result.js';
import { EXIT_MEANINGS, parseCliError, parseWarnings } from '../child/cli-output.js';
import type { ScriptRequirements } from '../child/inspect.js';
import { type ChildRunResult, followJsonLines, runChild } from '../child/run-cli.js';
import type { ErrorData } from '../errors.js';
import type { ResultEntry, ResultStore } from '../results.js';
import type { ToolContext } from './define.js';

/** Slack over limits.maxDuration before a run is stopped (graceful stop, setup, teardown). */
export const LIMIT_SLACK_MS = 30_000;

/** What a finished `redline run` child left. */
export interface CliRunOutcome {
  child: ChildRunResult;
  result?: RunResultFile;
  resultFile: string;
  timelineFile: string;
  warnings: string[];
  error?: ErrorData;
  exitMeaning: string;
}

function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/**
 * Runs `redline run <target> ...args --json result.json --out ndjson=timeline.ndjson -q` in the
 * entry's folder, reporting progress (elapsed, req/s, p99, errors) once per second.
 */
export async function runRedlineRun(
  context: ToolContext,
  entry: ResultEntry,
  target: string,
  args: readonly string[],
  options: { plannedMs?: number; limitMs: number; label?: string },
): Promise<CliRunOutcome> {
  const dir = context.store.dirOf(entry.id);
  const resultFile = join(dir, 'result.json');
  const timelineFile = join(dir, 'timeline.ndjson');
  entry.files['result'] = 'result.json';
  entry.files['timeline'] = 'timeline.ndjson';
  context.store.save(entry);
  context.wrote(dir);
  const total = options.plannedMs !== undefined ? options.plannedMs / 1000 : undefined;
  let requests = 0;
  let failed = 0;
  let lastSecond = -1;
  context.progress(`${options.label ?? 'load test'} starting; results in ${dir}`, total);
  const follow = followJsonLines(timelineFile, (record) => {
    if (record['type'] !== 'interval') return;
    const count = Number(record['requests'] ?? 0);
    requests += count;
    failed += Number(record['failed'] ?? 0);
    const t = Number(record['t'] ?? 0);
    // The last, partial interval after the end repeats the second with nothing in it: skip it.
    if (count === 0 && Math.round(t) === lastSecond) return;
    lastSecond = Math.round(t);
    const errors = Object.entries((record['errors'] ?? {}) as Record<string, number>)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    context.progress(
      `${t.toFixed(0)} s${total ? ` of ${total.toFixed(0)} s` : ''} · ${formatCount(Number(record['rps'] ?? 0))} req/s · p99 ${Number(record['p99'] ?? 0).toFixed(2)} ms · ${formatCount(requests)} requests, ${formatCount(failed)} failed (${requests > 0 ? ((failed / requests) * 100).toFixed(2) : '0.00'}%)${errors ? ` · errors this second: ${errors}` : ''}`,
      total,
    );
  });
  let child: ChildRunResult;
  try {
    child = await runChild({
      args: ['run', target, ...args, '--json', resultFile, '--out', `ndjson=${timelineFile}`, '-q'],
      cwd: context.config.workspace,
      allow: context.config.targets.entries,
      signal: context.signal,
      limitMs: options.limitMs,
    });
  } finally {
    await follow.stop();
  }
  const result = existsSync(resultFile)
    ? (JSON.parse(readFileSync(resultFile, 'utf8')) as RunResultFile)
    : undefined;
  const error = child.exitCode === 0 ? undefined : parseCliError(child.stderr);
  return {
    child,
    ...(result ? { result } : {}),
    resultFile,
    timelineFile,
    warnings: parseWarnings(child.stderr),
    ...(error ? { error } : {}),
    exitMeaning:
      child.exitCode === null
        ? `killed by ${child.signal}`
        : (EXIT_MEANINGS[child.exitCode] ?? `exit ${child.exitCode}`),
  };
}

/** Turns a child's error block into a RedlineError (for a run that produced no result). */
export function childError(
  outcome: { child: ChildRunResult; error?: ErrorData },
  what: string,
): RedlineError {
  const e = outcome.error;
  if (!e) {
    const tail = outcome.child.stderr.trim().split('\n').slice(-5).join('\n');
    return new RedlineError(
      'MCP_CHILD_FAILED',
      `${what} failed (exit ${outcome.child.exitCode ?? outcome.child.signal})${tail ? `: ${tail}` : ''}`,
      {
        exitCode: ExitCode.Internal,
      },
    );
  }
  return new RedlineError(e.code, e.message, {
    exitCode: (e.exitCode ?? ExitCode.Internal) as never,
    ...(e.hint ? { hint: e.hint } : {}),
    ...(e.position ? { position: e.position } : {}),
    ...(e.problems ? { problems: e.problems } : {}),
  });
}

/**
 * Runs the inspector (child/inspect.ts) in a child process under the network guard and returns
 * what it read; the user's errors (syntax, options, config) come back as RedlineErrors.
 */
export async function runInspector<T>(
  context: ToolContext,
  args: string[],
  what: string,
): Promise<T> {
  const child = await runChild({
    entry: 'mcp/child/inspect.js',
    args,
    cwd: context.config.workspace,
    allow: context.config.targets.entries,
    signal: context.signal,
    limitMs: 60_000,
  });
  const line = child.stdout.trim().split('\n').pop() ?? '';
  let report: { ok: boolean; result?: T; error?: ErrorData };
  try {
    report = JSON.parse(line) as typeof report;
  } catch {
    throw childError({ child }, what);
  }
  if (!report.ok || !report.result)
    throw childError({ child, ...(report.error ? { error: report.error } : {}) }, what);
  return report.result;
}

/** Reads a script's plan (its init code runs in the child): duration, VUs, arrival rate. */
export function inspectScript(
  context: ToolContext,
  scriptPath: string,
  overrides: Record<string, unknown>,
): Promise<ScriptRequirements> {
  return runInspector(
    context,
    ['script', scriptPath, JSON.stringify(overrides)],
    `reading the plan of ${scriptPath}`,
  );
}

/**
 * A long call whose child left nothing to read: marks its entry failed (or interrupted, when
 * Redline stopped it) and returns the error to throw, taken from the child's error block.
 */
export function abandonEntry(
  store: ResultStore,
  entry: ResultEntry,
  child: ChildRunResult,
  what: string,
): RedlineError {
  const error = parseCliError(child.stderr);
  store.finish(
    entry,
    child.stoppedBy ? 'interrupted' : 'failed',
    error?.code ?? `exit ${child.exitCode}`,
  );
  return childError({ child, ...(error ? { error } : {}) }, what);
}
