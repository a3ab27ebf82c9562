/** `redline profile [--url URL] [load flags] -- <command>`: profile a Node service under Redline's load. */
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import type { CliOverrides } from '../../config/cli-overrides.js';
import { type QuickRunOptions, runQuickTest } from '../../engine/index.js';
import { ExitCode, exitCodeFor } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import { explainHotDependencies } from '../../findings/config-causes.js';
import type { Finding } from '../../findings/finding.js';
import { renderSummaryText } from '../../outputs/summary/summary-text.js';
import { PROBE_ENV, type ProbeReport, readProbeReport } from '../../probe/index.js';
import {
  DEFAULT_CAPTURE_OPTIONS,
  detectRuntime,
  type ProfileTargetResult,
  profileTarget,
  readWasmModules,
  renderCaptureText,
} from '../../profiler/index.js';
import { fillPortPlaceholder, hasPortPlaceholder } from '../../util/net.js';
import { redactDeep, redactText } from '../../util/redact.js';
import {
  addLoadFlags,
  durationFlag,
  intFlag,
  type LoadFlagValues,
  quickOptionsFromFlags,
} from '../flags.js';
import { installInterruptHandler } from '../interrupt.js';
import { runStackProfile } from './profile-stack.js';

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
  runtime?: string;
  pprof?: string;
  pprofTypes?: string;
  wasm?: string[];
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
    const { runScriptTest } = await import('../../engine/script-run/run-script.js');
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

/** What `--probe` adds to the profile: the probe's report, read after the target stopped. */
interface ProbeOutcome {
  file: string;
  /** The report as read, or why it could not be (the app never loaded the probe, a kill). */
  report?: ProbeReport;
  problem?: string;
}

/** The report file the probe writes in the output folder (removed first: never an old run's). */
function probeReportPath(outDir: string): string {
  const file = join(outDir, 'probe.ndjson');
  rmSync(file, { force: true });
  return file;
}

/** Reads the probe's report after the target stopped (it flushes on exit). */
async function readProbeOutcome(file: string): Promise<ProbeOutcome> {
  try {
    const report = await readProbeReport(file);
    if (!report.hello)
      return { file, report, problem: 'the probe report has no hello record (cut short?)' };
    return { file, report };
  } catch {
    return {
      file,
      problem:
        'the probe wrote no report: the target did not load it (NODE_OPTIONS overwritten, or not a Node process)',
    };
  }
}

function printProbeText(probe: ProbeOutcome): void {
  const lines = ['', 'Probe (routes and queries, redline/probe):'];
  if (probe.problem) lines.push(`  ${probe.problem}`);
  const report = probe.report;
  if (report?.stats)
    lines.push(
      `  ${report.stats.requests} requests seen, ${report.stats.routes.length} routes, ${report.stats.queries.length} query shapes`,
    );
  if (report && report.findings.length === 0 && !probe.problem) lines.push('  no findings');
  for (const finding of report?.findings ?? []) {
    const where = finding.location?.file
      ? ` at ${finding.location.file}${finding.location.line ? `:${finding.location.line}` : ''}`
      : '';
    const route = finding.location?.route ? ` [${finding.location.route}]` : '';
    lines.push(`  ${finding.severity.toUpperCase().padEnd(8)} ${finding.title}${route}${where}`);
  }
  process.stdout.write(`${redactText(lines.join('\n'))}\n`);
}

function printResult(result: ProfileTargetResult, flags: ProfileFlags, probe?: ProbeOutcome): void {
  const probeFindings: Finding[] = probe?.report?.findings ?? [];
  // The settings the probe read (dev mode, debug logging, …) explain hot dependencies in every
  // output: the JSON's findings and the text's findings section alike.
  const settings = probe?.report?.stats?.runtimeSettings ?? [];
  const explained = {
    ...result.analysis,
    findings: explainHotDependencies(result.analysis.findings, settings),
  };
  if (flags.json) {
    const { capture: _capture, analysis: _analysis, loadResult: _load, ...rest } = result;
    const { cpuProfile: _model, ...summary } = explained;
    const merged = {
      ...rest,
      findings: [...explainHotDependencies(rest.findings, settings), ...probeFindings],
      analysis: summary,
      ...(probe
        ? {
            probe: {
              file: probe.file,
              ...(probe.problem ? { problem: probe.problem } : {}),
              findings: probeFindings,
              ...(probe.report?.stats ? { stats: probe.report.stats } : {}),
              ended: probe.report?.ended ?? false,
            },
          }
        : {}),
    };
    process.stdout.write(`${JSON.stringify(redactDeep(merged), null, 2)}\n`);
    return;
  }
  const run = result.loadResult as { result?: Parameters<typeof renderSummaryText>[0] } | undefined;
  if (run?.result && !flags.quiet)
    process.stdout.write(renderSummaryText(run.result, { color: false }));
  process.stdout.write(`\n${renderCaptureText(explained, flags.top ?? 10)}\n`);
  if (probe) printProbeText(probe);
  process.stdout.write('\nFiles:\n');
  for (const [kind, path] of Object.entries(result.files))
    process.stdout.write(`  ${kind.padEnd(12)} ${path}\n`);
  if (probe?.report) process.stdout.write(`  ${'probe'.padEnd(12)} ${probe.file}\n`);
}

/**
 * The URL the load options are checked with before the target runs: the load itself goes to the
 * URL the target answers on (its $PORT is only known once Redline picks it).
 */
function placeholderUrl(flags: ProfileFlags): string {
  if (flags.url === undefined) return 'http://127.0.0.1/';
  if (!hasPortPlaceholder(flags.url)) return flags.url;
  if (flags.attach || flags.pprof)
    throw new RedlineError(
      'PROFILE_PORT_PLACEHOLDER',
      `--url ${flags.url} names $PORT, but Redline does not start this target`,
      {
        exitCode: ExitCode.Usage,
        hint: 'With --attach or --pprof, give the port the running service listens on, e.g. --url http://127.0.0.1:3000/.',
      },
    );
  return fillPortPlaceholder(flags.url, 1);
}

/** `redline profile` of a Go, JVM or Python target (profile-stack.ts). */
async function runStack(
  runtime: Exclude<ReturnType<typeof detectRuntime>, 'node'>,
  script: string | undefined,
  targetCommand: string[],
  flags: ProfileFlags,
): Promise<void> {
  if (runtime !== 'go' && !flags.attach && targetCommand.length === 0) {
    throw new RedlineError('PROFILE_NO_COMMAND', 'nothing to profile', {
      exitCode: ExitCode.Usage,
      hint: 'Add the command that starts the target after --, e.g. redline profile -- java -jar app.jar, or use --attach <pid>.',
    });
  }
  // net/http/pprof records whole seconds: the load lasts exactly as long.
  if (runtime === 'go' && flags.duration !== undefined)
    flags.duration = Math.max(1000, Math.round(flags.duration / 1000) * 1000);
  const warmupMs = flags.warmup ?? DEFAULT_WARMUP_MS;
  const runners = script
    ? scriptRunners(resolve(script), flags, warmupMs)
    : loadRunners(quickOptionsFromFlags(placeholderUrl(flags), flags), warmupMs);
  const interrupt = installInterruptHandler();
  try {
    const result = await runStackProfile({
      runtime,
      command: targetCommand,
      ...(flags.attach ? { attach: flags.attach } : {}),
      ...(flags.url ? { url: flags.url } : {}),
      ...(flags.pprof ? { pprof: flags.pprof } : {}),
      ...(flags.pprofTypes ? { pprofTypes: flags.pprofTypes } : {}),
      ...(flags.duration !== undefined ? { durationMs: flags.duration } : {}),
      ...(flags.requests !== undefined ? { requests: flags.requests } : {}),
      ...runners,
      outDir: resolve(flags.out),
      ...(flags.startupTimeout ? { startupTimeoutMs: flags.startupTimeout } : {}),
      signal: interrupt.signal,
      top: Math.max(flags.top ?? 10, 20),
      ...(flags.json ? { json: true } : {}),
      ...(flags.quiet ? { quiet: true } : {}),
      ...(flags.quiet
        ? {}
        : { onProgress: (m: string) => process.stderr.write(`redline: ${m}\n`) }),
    });
    if (result.loadError !== undefined && !result.interrupted) throw result.loadError;
    if (result.interrupted) process.exitCode = exitCodeFor({ reason: 'interrupted' });
  } finally {
    interrupt.dispose();
  }
}

/** Registers `redline profile`. */
export function register(program: Command): void {
  const command = program
    .command('profile')
    .description(
      'Profile a Node.js, Java, Python or Go service while Redline loads it: CPU, heap, GC, locks; names the bottlenecks at file:line',
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
      'URL the load is sent to (default http://127.0.0.1:$PORT/; $PORT in it is the free port Redline gives the target)',
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
    .option(
      '--runtime <name>',
      'node, java, python or go (default: from the command: java → JFR, python/gunicorn/uvicorn → the Python sampler, else Node)',
    )
    .option(
      '--pprof <url>',
      "a Go service's net/http/pprof address (…/debug/pprof/profile): its CPU profile is fetched for the load window",
    )
    .option(
      '--pprof-types <list>',
      'with --pprof: also fetch heap, allocs, mutex, block, goroutine (comma-separated)',
    )
    .option(
      '--wasm <file>',
      'a .wasm module whose name section names the wasm-function[N] frames (repeatable)',
      (value: string, previous: string[] = []) => [...previous, value],
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
  redline profile -c 8 -d 20s -- java -cp out shop.ShopServer        # Flight Recorder
  redline profile --attach 4242 --runtime java --url http://127.0.0.1:8080/ -d 20s
  redline profile -c 8 -d 20s -- python app.py                       # Redline's Python sampler
  redline profile --pprof http://127.0.0.1:6060/debug/pprof/profile --pprof-types mutex --url http://127.0.0.1:8080/ -d 20s   # Go

The target gets $PORT (when --url is not given); a Node target runs with --inspect on a random
loopback port, a java one with Flight Recorder, a Python one with Redline's sampler (docs/profiling.md).
The capture starts after the warm-up (--warmup, default 2s) and covers only the load window.
Exit codes: 0 ok, 2 bad flags, 69 target unreachable or exited, 105 interrupted (files still written),
130 second Ctrl-C (files may be missing). Every code: docs/exit-codes.md.`,
    )
    .action(async (_script: string | undefined, _rest: string[], flags: ProfileFlags) => {
      const { script, targetCommand } = splitOperands(command);
      const runtime = detectRuntime({
        command: targetCommand,
        ...(flags.runtime ? { runtime: flags.runtime } : {}),
        ...(flags.pprof ? { pprof: flags.pprof } : {}),
        ...(flags.attach ? { attach: flags.attach } : {}),
      });
      if (runtime !== 'node') return runStack(runtime, script, targetCommand, flags);
      if (!flags.attach && targetCommand.length === 0) {
        throw new RedlineError('PROFILE_NO_COMMAND', 'nothing to profile', {
          exitCode: ExitCode.Usage,
          hint: 'Add the command that starts the target after --, e.g. redline profile -- node server.js, or use --attach.',
        });
      }
      const base = quickOptionsFromFlags(placeholderUrl(flags), flags);
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
      // --probe on a started target: the probe reports to <out>/probe.ndjson, read back below.
      const probeFile =
        flags.probe && !flags.attach ? probeReportPath(resolve(flags.out)) : undefined;
      // Read before the target starts: an unreadable module fails at once.
      const wasm = flags.wasm?.length ? await readWasmModules(flags.wasm) : undefined;
      try {
        const result = await profileTarget({
          ...(wasm ? { wasm } : {}),
          target: flags.attach
            ? { attach: flags.attach }
            : {
                command: targetCommand,
                ...(probeFile ? { env: { [PROBE_ENV.report]: probeFile } } : {}),
              },
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
        const probe = probeFile ? await readProbeOutcome(probeFile) : undefined;
        printResult(result, flags, probe);
        if (result.loadError !== undefined && !result.interrupted) throw result.loadError;
        if (result.interrupted) process.exitCode = exitCodeFor({ reason: 'interrupted' });
      } finally {
        interrupt.dispose();
      }
    });
}
