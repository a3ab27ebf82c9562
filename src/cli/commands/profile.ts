/** `redline profile [--url URL] [load flags] -- <command>`: profile a Node service under Redline's load. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import type { CliOverrides } from '../../config/cli-overrides.js';
import type { QuickRunOptions } from '../../engine/quick/quick-config.js';
import { runQuickTest } from '../../engine/quick/run-quick.js';
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import { renderSummaryText } from '../../outputs/summary/summary-text.js';
import {
  DEFAULT_CAPTURE_OPTIONS,
  type ProfileTargetResult,
  profileTarget,
  renderCaptureText,
} from '../../profiler/index.js';
import { redactDeep, redactText } from '../../util/redact.js';
import {
  addLoadFlags,
  durationFlag,
  intFlag,
  type LoadFlagValues,
  quickOptionsFromFlags,
} from '../flags.js';
import { installInterruptHandler } from '../interrupt.js';

interface ProfileFlags extends LoadFlagValues {
  url?: string;
  attach?: string;
  out: string;
  interval?: number;
  heapInterval?: number;
  heapCheck?: number | false;
  probe?: boolean;
  top?: number;
  json?: boolean;
  startupTimeout?: number;
  quiet?: boolean;
}

/** Default warm-up before the capture window when --warmup is not given (JIT settles). */
const DEFAULT_WARMUP_MS = 2000;

/** The redline/probe entry point shipped next to this file (dist/probe/register.js). */
function probeEntry(): string {
  const path = fileURLToPath(new URL('../../probe/register.js', import.meta.url));
  if (!existsSync(path)) {
    throw new RedlineError('PROFILE_NO_PROBE', `the probe is not built (${path})`, {
      exitCode: ExitCode.Unavailable,
      hint: 'Run npm run build first.',
    });
  }
  return path;
}

/** Splits the operands into the optional script (before `--`) and the target command (after). */
function splitOperands(command: Command): { script?: string; targetCommand: string[] } {
  // commander drops `--` from the operands; its (untyped) rawArgs keeps the argv as given.
  const raw = (command.parent as unknown as { rawArgs?: string[] } | null)?.rawArgs ?? process.argv;
  const dashes = raw.indexOf('--');
  const targetCommand = dashes >= 0 ? raw.slice(dashes + 1) : [];
  const before = command.args.slice(0, command.args.length - targetCommand.length);
  return { ...(before[0] ? { script: before[0] } : {}), targetCommand };
}

function loadRunners(base: QuickRunOptions, warmupMs: number) {
  const { warmupMs: _ignored, ...measured } = base;
  const load = (url: string, signal: AbortSignal) => runQuickTest({ ...measured, url, signal });
  const warmup =
    warmupMs > 0
      ? (url: string, signal: AbortSignal) => {
          const { requests: _r, ...rest } = measured;
          return runQuickTest({ ...rest, url, durationMs: warmupMs, signal });
        }
      : undefined;
  return { load, ...(warmup ? { warmup } : {}) };
}

/**
 * Load from a script: the same flow users run with `redline run`, sized by -c (VUs) and -d; the
 * target's URL reaches the script as __ENV.BASE_URL (and --url sets it when given).
 */
function scriptRunners(scriptPath: string, flags: ProfileFlags, warmupMs: number) {
  const run = async (url: string, signal: AbortSignal, durationMs: number) => {
    const { runScriptTest } = await import('../../engine/script/run-script.js');
    const cli: CliOverrides = { env: { BASE_URL: url.replace(/\/$/, '') }, duration: durationMs };
    if (flags.connections !== undefined) cli.vus = flags.connections;
    return runScriptTest({
      scriptPath,
      cli,
      signal,
      ...(flags.workers ? { workers: flags.workers } : {}),
    });
  };
  const load = (url: string, signal: AbortSignal) => run(url, signal, flags.duration ?? 10_000);
  return {
    load,
    ...(warmupMs > 0
      ? { warmup: (url: string, signal: AbortSignal) => run(url, signal, warmupMs) }
      : {}),
  };
}

function printResult(result: ProfileTargetResult, flags: ProfileFlags): void {
  if (flags.json) {
    const { capture: _capture, analysis, loadResult: _load, ...rest } = result;
    const { cpuProfile: _model, ...summary } = analysis;
    process.stdout.write(
      `${JSON.stringify(redactDeep({ ...rest, analysis: summary }), null, 2)}\n`,
    );
    return;
  }
  const run = result.loadResult as { result?: Parameters<typeof renderSummaryText>[0] } | undefined;
  if (run?.result && !flags.quiet)
    process.stdout.write(renderSummaryText(run.result, { color: false }));
  process.stdout.write(`\n${renderCaptureText(result.analysis, flags.top ?? 10)}\n\nFiles:\n`);
  for (const [kind, path] of Object.entries(result.files))
    process.stdout.write(`  ${kind.padEnd(12)} ${path}\n`);
}

/** Registers `redline profile`. */
export function register(program: Command): void {
  const command = program
    .command('profile')
    .description(
      'Profile a Node.js service while Redline loads it: CPU, heap, event loop, GC; names the bottlenecks at file:line',
    )
    .argument(
      '[script]',
      'a Redline script that generates the load (k6, TypeScript or YAML); it gets the target URL as __ENV.BASE_URL, -c VUs and -d duration',
    )
    .argument(
      '[command...]',
      'after --: the command that starts the target, e.g. -- node dist/server.js',
    )
    .option(
      '--url <url>',
      'URL the load is sent to (default http://127.0.0.1:$PORT/, with $PORT given to the target)',
    )
    .option(
      '--attach <host:port|pid>',
      'profile a running process (started with --inspect, or a Node pid: sent SIGUSR1) instead of starting one',
    )
    .option('-o, --out <dir>', 'directory for the profile files', 'redline-profile')
    .option(
      '--interval <µs>',
      `CPU sampling interval in microseconds (default ${DEFAULT_CAPTURE_OPTIONS.samplingIntervalUs})`,
      intFlag('--interval'),
    )
    .option(
      '--heap-interval <bytes>',
      `sampling heap profiler interval, 0 = off (default ${DEFAULT_CAPTURE_OPTIONS.heapSamplingIntervalBytes})`,
      intFlag('--heap-interval', 0),
    )
    .option(
      '--heap-check <duration>',
      'also force a full GC this often for leak detection (default: only natural GCs, plus one forced at start and end; each forced GC costs throughput)',
      durationFlag('--heap-check'),
    )
    .option('--no-heap-check', 'never force a GC (leak detection then relies on natural GCs only)')
    .option(
      '--probe',
      'preload redline/probe into the target (route timings, DB spans) via NODE_OPTIONS --import',
    )
    .option(
      '--startup-timeout <duration>',
      'how long the target may take to answer (default 30s)',
      durationFlag('--startup-timeout'),
    )
    .option('--top <n>', 'rows per table (default 10)', intFlag('--top'))
    .option('--json', 'print the result (findings, tables, signals summary, files) as JSON')
    .option('-q, --quiet', 'no progress messages');
  addLoadFlags(command)
    .addHelpText(
      'after',
      `
Examples:
  redline profile -c 20 -d 20s -- node dist/server.js
  redline profile --url http://127.0.0.1:3000/login -m POST -b '{"u":"a"}' -- node server.js
  redline profile --attach 127.0.0.1:9229 --url http://127.0.0.1:3000/ -d 30s
  redline profile flow.ts -c 10 -d 30s -- node dist/server.js     # the script's flow as load

The target gets $PORT (when --url is not given) and runs with --inspect on a random loopback port.
The capture starts after the warm-up (--warmup, default 2s) and covers only the load window.
Exit codes: 0 ok, 2 bad flags, 69 target unreachable or exited, 105 interrupted (files still written),
130 second Ctrl-C (files may be missing). Every code: docs/exit-codes.md.`,
    )
    .action(async (_script: string | undefined, _rest: string[], flags: ProfileFlags) => {
      const { script, targetCommand } = splitOperands(command);
      if (!flags.attach && targetCommand.length === 0) {
        throw new RedlineError('PROFILE_NO_COMMAND', 'nothing to profile', {
          exitCode: ExitCode.Usage,
          hint: 'Add the command that starts the target after --, e.g. redline profile -- node server.js, or use --attach.',
        });
      }
      const base = quickOptionsFromFlags(flags.url ?? 'http://127.0.0.1/', flags);
      const interrupt = installInterruptHandler();
      let written = false;
      interrupt.onForcedExit(() => {
        if (!written)
          process.stderr.write(
            `redline: forced exit before the profile was written; files in ${resolve(flags.out)} may be missing or from an earlier run\n`,
          );
      });
      const progress = flags.quiet
        ? undefined
        : (message: string) => process.stderr.write(`redline: ${redactText(message)}\n`);
      try {
        const result = await profileTarget({
          target: flags.attach ? { attach: flags.attach } : { command: targetCommand },
          ...(flags.url ? { url: flags.url } : {}),
          ...(script
            ? scriptRunners(resolve(script), flags, flags.warmup ?? DEFAULT_WARMUP_MS)
            : loadRunners(base, flags.warmup ?? DEFAULT_WARMUP_MS)),
          outDir: resolve(flags.out),
          capture: {
            ...(flags.interval ? { samplingIntervalUs: flags.interval } : {}),
            ...(flags.heapInterval !== undefined
              ? { heapSamplingIntervalBytes: flags.heapInterval }
              : {}),
            ...(flags.heapCheck === false
              ? { heapCheckIntervalMs: 0, heapChecks: false }
              : flags.heapCheck
                ? { heapCheckIntervalMs: flags.heapCheck }
                : {}),
          },
          ...(flags.probe ? { preload: probeEntry() } : {}),
          ...(flags.startupTimeout ? { startupTimeoutMs: flags.startupTimeout } : {}),
          signal: interrupt.signal,
          top: Math.max(flags.top ?? 10, 20),
          ...(progress ? { onProgress: progress } : {}),
        });
        written = true;
        printResult(result, flags);
        if (result.loadError !== undefined && !result.interrupted) throw result.loadError;
        if (result.interrupted) process.exitCode = ExitCode.Interrupted;
      } finally {
        interrupt.dispose();
      }
    });
}
