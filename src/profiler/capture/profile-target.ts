/** profileTarget: start or attach, warm up, capture during the load window, stop cleanly, analyse, write. */
import { mkdir } from 'node:fs/promises';
import { request } from 'node:http';
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import type { Finding } from '../../findings/finding.js';
import { resolveStartedTargetUrl } from '../../util/net.js';
import { analyzeCapture, type CaptureAnalysis } from '../analysis/capture-analysis.js';
import { type CaptureFiles, writeCaptureFiles } from '../export/write-capture.js';
import type { WasmNames } from '../model/wasm-names.js';
import { connectInspector, type InspectorClient } from './inspector-client.js';
import {
  type CaptureOptions,
  type CaptureResult,
  captureWindow,
  DEFAULT_CAPTURE_OPTIONS,
  disposeCapture,
  prepareCapture,
  targetExitingError,
} from './session.js';
import {
  resolveAttachTarget,
  type SpawnedTarget,
  spawnTarget,
  targetExitedError,
} from './target.js';

/** What a load runner may want to know about the target (the pid is unknown when attached by host:port). */
export interface TargetInfo {
  pid?: number;
}

/** Runs load against the target's URL until done or `signal` aborts (e.g. runQuickTest). */
export type LoadRunner = (
  targetUrl: string,
  signal: AbortSignal,
  target: TargetInfo,
) => Promise<unknown>;

/** What to profile: a command Redline starts, or a running process to attach to. */
export type ProfileTargetSpec =
  | { command: readonly string[]; cwd?: string; env?: NodeJS.ProcessEnv }
  | { attach: string };

/** Options of {@link profileTarget}. */
export interface ProfileTargetOptions {
  target: ProfileTargetSpec;
  /**
   * The target's base URL. When Redline starts the target and no URL is given, it picks a free
   * port, passes it as $PORT and uses http://127.0.0.1:$PORT/; `$PORT` in the URL is replaced by
   * that port (`http://127.0.0.1:$PORT/price`). Required with `attach`.
   */
  url?: string;
  /** The load during the capture window. */
  load: LoadRunner;
  /** Load before the window (JIT warm-up); nothing is captured while it runs. */
  warmup?: LoadRunner;
  capture?: Partial<CaptureOptions>;
  /** Write the files into this directory (nothing is written without it). */
  outDir?: string;
  /** Module to preload into a started target with `--import` (the redline/probe injection point). */
  preload?: string;
  /** Where the started target's stdout/stderr go (default: `<outDir>/target.log` when outDir is set). */
  targetLogFile?: string;
  /** How long to wait for a started target to answer (default 30 s). */
  startupTimeoutMs?: number;
  /** Ctrl-C: aborting ends warm-up/load early; what was captured is still analysed and written. */
  signal?: AbortSignal;
  /** Rows per analysis table (default 20); paths are shown relative to `cwd`. */
  top?: number;
  cwd?: string;
  /** Name sections of the target's WebAssembly modules, for its `wasm-function[N]` frames. */
  wasm?: readonly WasmNames[];
  /** Progress messages (e.g. to stderr). */
  onProgress?: (message: string) => void;
}

/** The outcome of {@link profileTarget}. */
export interface ProfileTargetResult {
  url: string;
  capture: CaptureResult;
  analysis: CaptureAnalysis;
  /** Ranked findings (same as analysis.findings). */
  findings: Finding[];
  files: CaptureFiles & { targetLog?: string };
  /** Whatever `load` returned (e.g. runQuickTest's RunResult). */
  loadResult?: unknown;
  /** What `load` threw, if it failed (the capture up to then is still analysed). */
  loadError?: unknown;
  /** True when the signal aborted the run (the capture is partial). */
  interrupted: boolean;
}

async function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'GET', timeout: 1000 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** Waits until the started target answers HTTP at `url` (any status), or fails if it exits. */
export async function waitUntilAnswers(
  url: string,
  target: SpawnedTarget,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<void> {
  let exited = false;
  target.exited.then(() => {
    exited = true;
  });
  const deadline = Date.now() + timeoutMs;
  while (!(await answers(url))) {
    if (exited) throw targetExitedError(target.outputTail().split('\n'));
    if (signal?.aborted) throw interruptedError();
    if (Date.now() > deadline) {
      throw new RedlineError(
        'PROFILE_TARGET_SILENT',
        `the target did not answer at ${url} within ${timeoutMs} ms`,
        {
          exitCode: ExitCode.TargetUnreachable,
          hint: 'Pass --url with the address it listens on, or make it listen on $PORT.',
          problems: target.outputTail().split('\n').slice(-10),
        },
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The error for a run interrupted before its capture window opened. */
export function interruptedError(): RedlineError {
  return new RedlineError(
    'PROFILE_INTERRUPTED',
    'interrupted before the capture started; nothing was captured',
    { exitCode: ExitCode.Interrupted },
  );
}

/** Starts or attaches to the target and returns its URL, inspector session and spawned process. */
async function openTarget(
  options: ProfileTargetOptions,
  logFile: string | undefined,
): Promise<{ url: string; client: InspectorClient; spawned?: SpawnedTarget }> {
  const spec = options.target;
  if ('attach' in spec) {
    if (!options.url)
      throw new RedlineError(
        'PROFILE_NO_URL',
        '--attach needs --url: the address the load is sent to',
        { exitCode: ExitCode.Usage },
      );
    return {
      url: options.url,
      client: await connectInspector(await resolveAttachTarget(spec.attach)),
    };
  }
  const env: NodeJS.ProcessEnv = { ...spec.env };
  const resolved = await resolveStartedTargetUrl(options.url);
  const url = resolved.url;
  if (resolved.port !== undefined) env.PORT = String(resolved.port);
  const spawned = spawnTarget({
    command: spec.command,
    ...(spec.cwd ? { cwd: spec.cwd } : {}),
    env,
    ...(options.preload ? { preload: options.preload } : {}),
    ...(logFile ? { logFile } : {}),
  });
  try {
    await waitUntilAnswers(url, spawned, options.startupTimeoutMs ?? 30_000, options.signal);
    return { url, client: await connectInspector(await spawned.debuggerUrl()), spawned };
  } catch (error) {
    await spawned.stop();
    throw error;
  }
}

/** How long a target whose context is gone gets to finish exiting once the session closes. */
const EXIT_AFTER_DETACH_MS = 3000;

/**
 * True when the started target has exited, or exits within {@link EXIT_AFTER_DETACH_MS} once the
 * session is closed, when `error` says it was exiting (see {@link targetExitingError}).
 */
async function exitsOnceDetached(
  client: InspectorClient,
  spawned: SpawnedTarget,
  error: unknown,
): Promise<boolean> {
  const hasExited = () => Promise.race([spawned.exited.then(() => true), Promise.resolve(false)]);
  if (await hasExited()) return true;
  if (!(error instanceof RedlineError && error.code === 'PROFILE_TARGET_EXITING')) return false;
  await client.close();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), EXIT_AFTER_DETACH_MS);
  });
  const exited = await Promise.race([spawned.exited.then(() => true), late]);
  clearTimeout(timer);
  return exited;
}

/**
 * Profiles a Node service under load: CPU profile, sampling heap profile, event-loop delay, GC
 * pauses, CPU% and RSS, captured only while `load` runs; then analyses and (with outDir) writes.
 */
export async function profileTarget(options: ProfileTargetOptions): Promise<ProfileTargetResult> {
  const settings = { ...DEFAULT_CAPTURE_OPTIONS, ...options.capture };
  const progress = options.onProgress ?? (() => {});
  const signal = options.signal ?? new AbortController().signal;
  const logFile =
    options.targetLogFile ?? (options.outDir ? `${options.outDir}/target.log` : undefined);
  if (options.outDir) await mkdir(options.outDir, { recursive: true });
  const { url, client, spawned } = await openTarget(
    options,
    'attach' in options.target ? undefined : logFile,
  );
  const attach = 'attach' in options.target ? options.target.attach : undefined;
  const pid = spawned?.pid ?? (attach && /^\d+$/.test(attach) ? Number(attach) : undefined);
  const info: TargetInfo = pid === undefined ? {} : { pid };
  try {
    await prepareCapture(client, settings);
    if (options.warmup && !signal.aborted) {
      progress(`warming up ${url}`);
      await options.warmup(url, signal, info);
    }
    if (signal.aborted) throw interruptedError();
    progress('capturing during the load window');
    const window = await captureWindow(client, () => options.load(url, signal, info), settings);
    if (window.loadError !== undefined && !signal.aborted)
      progress(`the load failed: ${String(window.loadError)}`);
    const analysis = analyzeCapture(window.capture, {
      ...(options.top ? { top: options.top } : {}),
      ...(options.cwd ? { cwd: options.cwd } : {}),
      ...(options.wasm?.length ? { wasm: options.wasm } : {}),
    });
    const files: ProfileTargetResult['files'] = options.outDir
      ? await writeCaptureFiles(options.outDir, window.capture, analysis)
      : {};
    if (logFile && spawned) files.targetLog = logFile;
    const result: ProfileTargetResult = {
      url,
      capture: window.capture,
      analysis,
      findings: analysis.findings,
      files,
      interrupted: signal.aborted,
    };
    if (window.loadResult !== undefined) result.loadResult = window.loadResult;
    if (window.loadError !== undefined) result.loadError = window.loadError;
    return result;
  } catch (error) {
    // An exiting target stays alive while our session is attached (its context already gone):
    // close the session so it can finish, then report its exit and its last lines.
    if (spawned && (await exitsOnceDetached(client, spawned, error))) {
      const { code, signal: killedBy } = await spawned.exited;
      throw targetExitedError(
        spawned.outputTail().split('\n'),
        killedBy ? `on ${killedBy}` : `with code ${code}`,
      );
    }
    if (attach && error instanceof RedlineError && error.code === 'PROFILE_TARGET_EXITING')
      throw targetExitingError(`the capture ended (attached to ${attach})`, error);
    throw error;
  } finally {
    if (!spawned) await disposeCapture(client);
    await client.close();
    if (spawned) {
      progress('stopping the target');
      await spawned.stop();
    }
  }
}
