/**
 * The target of an audit: started by Redline (free port, in-app probe, inspector on a random
 * loopback port, output to a log file) or already running at its URL (optionally with a --pid).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { request } from 'node:http';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import { createProbeEnv, PROBE_ENV, PROBE_REGISTER_PATH } from '../../probe/index.js';
import {
  type PythonSamplerPaths,
  pythonSamplerEnv,
  runtimeOfCommand,
  setUpPythonSampler,
} from '../../profiler/index.js';
import { findFreePort } from '../../util/net.js';
import { compiledModuleUrl } from '../../util/runtime-path.js';
import type { AuditTargetConfig } from '../config/types.js';

/** A target the audit talks to. */
export interface RunningTarget {
  /** Base URL without a trailing slash. */
  url: string;
  /** Process whose CPU and memory are sampled (the started one, or --pid). */
  pid?: number;
  /** `host:port` of the inspector, when Redline started a Node target with it. */
  inspector?: string;
  /** NDJSON report of the in-app probe, when it was injected. */
  probeReportFile?: string;
  /** Redline's Python sampler, loaded into a started Python target (idle until the profile step). */
  pythonSampler?: PythonSamplerPaths;
  startedByRedline: boolean;
  /** Last lines the target printed. */
  outputTail(): string;
  /** True once the started process has exited. */
  hasExited(): boolean;
  /** Stops a started target (SIGTERM, SIGKILL after 5 s); a no-op otherwise. */
  stop(): Promise<void>;
}

const DEBUGGER = /Debugger listening on ws:\/\/([^/\s]+)\//;

/**
 * The probe's N+1 duration floor (ms per request) in audits, unless target.env sets its own: none,
 * N+1 is decided on repetition and graded by its share of route time (probe/config.ts).
 */
export const AUDIT_N_PLUS_ONE_MS = 0;

function isNodeCommand(argv: readonly string[]): boolean {
  return argv[0] === process.execPath || /^node(js)?(\d+)?(\.exe)?$/.test(basename(argv[0] ?? ''));
}

/** The probe env; when Redline itself runs from TypeScript sources the compiled register.js is used. */
function probeEnv(base: NodeJS.ProcessEnv, reportFile: string): NodeJS.ProcessEnv {
  // The report file is the audit's private temp file: the top statements' real parameters let the
  // db step EXPLAIN ANALYZE them (they never reach the audit's outputs).
  const env = createProbeEnv({ base, reportFile, flushMs: 1000, querySamples: true });
  const wanted = pathToFileURL(
    fileURLToPath(compiledModuleUrl('../../probe/register.js', import.meta.url)),
  ).href;
  const given = pathToFileURL(PROBE_REGISTER_PATH).href;
  if (given !== wanted) env['NODE_OPTIONS'] = (env['NODE_OPTIONS'] ?? '').replace(given, wanted);
  return env;
}

/** Sends GET `url` and resolves true on any HTTP answer. */
export function answersHttp(url: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

function buildInvocation(config: AuditTargetConfig, port: number, workDir: string) {
  const fill = (s: string) => s.replaceAll('{port}', String(port));
  let argv = (config.command ?? []).map(fill);
  let env: NodeJS.ProcessEnv = { ...process.env, ...config.env, PORT: String(port) };
  const node = isNodeCommand(argv);
  let probeReportFile: string | undefined;
  if (config.probe && node) {
    probeReportFile = join(workDir, 'probe.ndjson');
    env = probeEnv(env, probeReportFile);
    // An N+1 is a pattern that grows with the data: report it from 10 ms per request (the
    // probe's default, Sentry's 50 ms, hides it on a fast machine); the share sets its severity.
    env[PROBE_ENV.nPlusOneMs] ??= String(AUDIT_N_PLUS_ONE_MS);
  }
  let pythonSampler: PythonSamplerPaths | undefined;
  if (config.inspect && !node && runtimeOfCommand(argv) === 'python') {
    pythonSampler = setUpPythonSampler(join(workDir, 'python-sampler'));
    env = pythonSamplerEnv(env, pythonSampler);
  } else if (config.inspect) {
    if (node) argv = [argv[0] as string, '--inspect=127.0.0.1:0', ...argv.slice(1)];
    else
      env['NODE_OPTIONS'] = [env['NODE_OPTIONS'], '--inspect=127.0.0.1:0']
        .filter(Boolean)
        .join(' ');
  }
  return { argv, env, url: fill(config.url), probeReportFile, pythonSampler };
}

async function waitReady(
  url: string,
  child: ChildProcess,
  timeoutMs: number,
  tail: () => string,
  signal?: AbortSignal,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await answersHttp(url))) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new RedlineError(
        'E_AUDIT_TARGET_EXITED',
        `the target exited with ${child.exitCode ?? child.signalCode} before it answered`,
        {
          exitCode: ExitCode.TargetUnreachable,
          problems: tail().split('\n').slice(-10),
          hint: 'check target.command; its last lines are listed above',
        },
      );
    }
    if (signal?.aborted || Date.now() > deadline) {
      throw new RedlineError(
        'E_AUDIT_TARGET_SILENT',
        `the target did not answer at ${url} within ${timeoutMs} ms`,
        {
          exitCode: signal?.aborted ? ExitCode.Interrupted : ExitCode.TargetUnreachable,
          problems: tail().split('\n').slice(-10),
          hint: 'make it listen on $PORT (or {port} in target.url), or raise target.ready.timeout',
        },
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Starts the configured command (or uses the running target) and waits until it answers. */
export async function startTarget(
  config: AuditTargetConfig,
  options: { workDir: string; signal?: AbortSignal },
): Promise<RunningTarget> {
  if (!config.command) return attachRunning(config);
  const port = await findFreePort();
  const inv = buildInvocation(config, port, options.workDir);
  const child = spawn(inv.argv[0] as string, inv.argv.slice(1), {
    cwd: config.cwd,
    env: inv.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(join(options.workDir, 'target.log'));
  const lines: string[] = [];
  let inspector: string | undefined;
  const collect = (chunk: Buffer) => {
    log.write(chunk);
    for (const line of chunk.toString().split('\n')) {
      if (line.trim() === '') continue;
      lines.push(line);
      if (lines.length > 40) lines.shift();
      inspector = DEBUGGER.exec(line)?.[1] ?? inspector;
    }
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  child.once('error', (e) => lines.push(String(e)));
  child.once('exit', () => log.end());
  const tail = () => lines.join('\n');
  try {
    await waitReady(inv.url + config.readyPath, child, config.readyTimeoutMs, tail, options.signal);
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  const target: RunningTarget = {
    url: inv.url,
    startedByRedline: true,
    outputTail: tail,
    hasExited: () => child.exitCode !== null || child.signalCode !== null,
    stop: () => stopChild(child),
  };
  if (child.pid !== undefined) target.pid = child.pid;
  if (inspector) target.inspector = inspector;
  if (inv.probeReportFile) target.probeReportFile = inv.probeReportFile;
  if (inv.pythonSampler) target.pythonSampler = inv.pythonSampler;
  return target;
}

async function attachRunning(config: AuditTargetConfig): Promise<RunningTarget> {
  if (!(await answersHttp(config.url + config.readyPath, 5000))) {
    throw new RedlineError(
      'E_AUDIT_TARGET_UNREACHABLE',
      `nothing answers at ${config.url}${config.readyPath}`,
      {
        exitCode: ExitCode.TargetUnreachable,
        hint: 'start the target first, or give target.command so Redline starts it',
      },
    );
  }
  const target: RunningTarget = {
    url: config.url,
    startedByRedline: false,
    outputTail: () => '',
    hasExited: () => false,
    stop: async () => {},
  };
  if (config.pid !== undefined) target.pid = config.pid;
  return target;
}
