/**
 * profileStackTarget: the Go, JVM and Python counterpart of profileTarget. Starts the target (or
 * uses a running one), warms it up, records only while the load runs (JFR, the Python sampler,
 * or net/http/pprof), stops cleanly, analyses the recording like a Node profile and writes files.
 */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import type { Finding } from '../../findings/finding.js';
import { resolveStartedTargetUrl } from '../../util/net.js';
import { analyzeRecording, type RecordingAnalysis } from '../analysis/recording-analysis.js';
import { createSourceResolver } from '../analysis/source-map.js';
import { profileWriteError, renderProfileViews } from '../export/write-capture.js';
import type { ProfiledRuntime } from '../model/profile.js';
import type { RuntimeRecording } from '../model/recording.js';
import { createJfrCapturer, isJvmProcess } from './java.js';
import { createPprofCapturer, type PprofType } from './pprof-http.js';
import {
  interruptedError,
  type LoadRunner,
  type TargetInfo,
  waitUntilAnswers,
} from './profile-target.js';
import { createPythonCapturer, type PythonSamplerPaths } from './python.js';
import type { CaptureTarget, RuntimeCapturer } from './runtime-capturer.js';
import { type SpawnedTarget, spawnTarget, targetExitedError } from './target.js';

/** A runtime Redline profiles through its own profiler rather than V8's inspector. */
export type StackRuntime = Exclude<ProfiledRuntime, 'node'>;

/** Options of {@link profileStackTarget}. */
export interface StackProfileOptions {
  runtime: StackRuntime;
  /** The command Redline starts; without it the target must already run (attach or pprof URL). */
  command?: readonly string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** A running JVM's pid (Java only; Python cannot be attached to). */
  attachPid?: number;
  /** Go: the net/http/pprof address and the profiles to fetch. */
  pprof?: { url: string; types: readonly PprofType[] };
  /** The target's base URL (default with a started target: http://127.0.0.1:$PORT/). */
  url?: string;
  load: LoadRunner;
  warmup?: LoadRunner;
  /** Length of the load window (Go's `seconds`; the load must last as long). */
  windowMs?: number;
  /** Python sampling interval (ms). */
  pythonIntervalMs?: number;
  /** A Python target already started with the sampler (setUpPythonSampler + pythonSamplerEnv). */
  pythonSampler?: PythonSamplerPaths;
  outDir?: string;
  targetLogFile?: string;
  startupTimeoutMs?: number;
  signal?: AbortSignal;
  top?: number;
  /** Paths in findings are shown relative to this folder. */
  displayCwd?: string;
  onProgress?: (message: string) => void;
}

/** Paths of the files written. */
export interface StackProfileFiles {
  /** Raw recordings as captured (recording.jfr, cpu.pb.gz, python-<pid>.json …). */
  raw: string[];
  speedscope?: string;
  flamegraph?: string;
  analysis?: string;
  targetLog?: string;
}

/** The outcome of {@link profileStackTarget}. */
export interface StackProfileResult {
  url: string;
  runtime: StackRuntime;
  recording: RuntimeRecording;
  analysis: RecordingAnalysis;
  findings: Finding[];
  files: StackProfileFiles;
  loadResult?: unknown;
  loadError?: unknown;
  interrupted: boolean;
}

async function createCapturer(options: StackProfileOptions): Promise<RuntimeCapturer> {
  switch (options.runtime) {
    case 'jvm':
      return createJfrCapturer({
        ...(options.attachPid !== undefined ? { attachPid: options.attachPid } : {}),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      });
    case 'python':
      if (options.attachPid !== undefined) {
        throw new RedlineError(
          'PROFILE_NO_PYTHON_ATTACH',
          'Redline cannot attach to a running Python process',
          {
            exitCode: ExitCode.Usage,
            hint: 'Let Redline start it (redline profile -- python app.py), or record it with py-spy (py-spy record --format speedscope -p <pid>) and run redline analyze on the file.',
          },
        );
      }
      return createPythonCapturer({
        ...(options.pythonIntervalMs ? { intervalMs: options.pythonIntervalMs } : {}),
        ...(options.pythonSampler ? { paths: options.pythonSampler } : {}),
      });
    case 'go':
      if (!options.pprof) {
        throw new RedlineError('PROFILE_NO_PPROF', 'profiling a Go service needs --pprof <url>', {
          exitCode: ExitCode.Usage,
          hint: 'Pass the net/http/pprof address, e.g. --pprof http://127.0.0.1:6060/debug/pprof/profile.',
        });
      }
      return createPprofCapturer({
        url: options.pprof.url,
        types: options.pprof.types,
        seconds: Math.max(1, Math.round((options.windowMs ?? 10_000) / 1000)),
        ...(options.signal ? { signal: options.signal } : {}),
      });
  }
}

/** Checks the options that do not depend on the target before anything starts. */
function validate(options: StackProfileOptions): void {
  if (
    options.attachPid !== undefined &&
    options.runtime === 'jvm' &&
    !isJvmProcess(options.attachPid)
  ) {
    throw new RedlineError('PROFILE_NOT_JVM', `process ${options.attachPid} is not a JVM`, {
      exitCode: ExitCode.Usage,
      hint: 'Pass the pid of the java process (jcmd -l lists them).',
    });
  }
  if (!options.command && !options.url) {
    throw new RedlineError(
      'PROFILE_NO_URL',
      'a running target needs --url: the address the load is sent to',
      {
        exitCode: ExitCode.Usage,
      },
    );
  }
}

async function writeFiles(
  dir: string,
  raw: Awaited<ReturnType<RuntimeCapturer['stop']>>['raw'],
  recording: RuntimeRecording,
  analysis: RecordingAnalysis,
  cwd: string | undefined,
): Promise<StackProfileFiles> {
  const files: StackProfileFiles = { raw: [] };
  try {
    await mkdir(dir, { recursive: true });
    for (const file of raw) {
      const path = join(dir, file.name);
      if (file.bytes) await writeFile(path, file.bytes);
      else if (file.path) await copyFile(file.path, path);
      files.raw.push(path);
    }
    if (recording.cpu) {
      const views = renderProfileViews(
        recording.cpu,
        `redline profile (${recording.runtime})`,
        createSourceResolver(cwd),
      );
      files.speedscope = join(dir, 'cpu.speedscope.json');
      await writeFile(files.speedscope, views.speedscope);
      files.flamegraph = join(dir, 'flamegraph.html');
      await writeFile(files.flamegraph, views.flamegraph);
    }
    files.analysis = join(dir, 'analysis.json');
    await writeFile(files.analysis, `${JSON.stringify(analysis, null, 2)}\n`);
  } catch (cause) {
    throw profileWriteError(dir, cause);
  }
  return files;
}

/**
 * Profiles a Go, JVM or Python service under load; see the file comment. The recording covers
 * the load window only; an interrupted or failed load still gets what was recorded analysed.
 */
export async function profileStackTarget(
  options: StackProfileOptions,
): Promise<StackProfileResult> {
  validate(options);
  const progress = options.onProgress ?? (() => {});
  const signal = options.signal ?? new AbortController().signal;
  const logFile =
    options.targetLogFile ?? (options.outDir ? join(options.outDir, 'target.log') : undefined);
  if (options.outDir) await mkdir(options.outDir, { recursive: true });
  const capturer = await createCapturer(options);
  let spawned: SpawnedTarget | undefined;
  try {
    let url = options.url;
    if (options.command) {
      let env: NodeJS.ProcessEnv = { ...options.env };
      const resolved = await resolveStartedTargetUrl(url);
      url = resolved.url;
      if (resolved.port !== undefined) env.PORT = String(resolved.port);
      const invocation = capturer.invocation
        ? capturer.invocation(options.command, { ...process.env, ...env })
        : { command: [...options.command], env: { ...process.env, ...env } };
      env = invocation.env;
      spawned = spawnTarget({
        command: invocation.command,
        env,
        inspect: false,
        ...(options.cwd ? { cwd: options.cwd } : {}),
        ...(logFile ? { logFile } : {}),
      });
      await waitUntilAnswers(url, spawned, options.startupTimeoutMs ?? 30_000, signal);
    }
    const targetUrl = url as string;
    const pid = spawned?.pid ?? options.attachPid;
    const info: TargetInfo = pid === undefined ? {} : { pid };
    const target: CaptureTarget = {
      started: spawned !== undefined,
      ...(pid === undefined ? {} : { pid }),
      ...(spawned ? { stop: () => (spawned as SpawnedTarget).stop() } : {}),
    };
    if (options.warmup && !signal.aborted) {
      progress(`warming up ${targetUrl}`);
      await options.warmup(targetUrl, signal, info);
    }
    if (signal.aborted) throw interruptedError();
    progress(`recording (${options.runtime}) during the load window`);
    await capturer.start(target);
    let loadResult: unknown;
    let loadError: unknown;
    try {
      loadResult = await options.load(targetUrl, signal, info);
    } catch (error) {
      loadError = error;
    }
    const { recording, raw } = await capturer.stop(target);
    const analysis = analyzeRecording(recording, {
      ...(options.top ? { top: options.top } : {}),
      ...(options.displayCwd ? { cwd: options.displayCwd } : {}),
    });
    const files = options.outDir
      ? await writeFiles(options.outDir, raw, recording, analysis, options.displayCwd)
      : { raw: [] };
    if (logFile && spawned) files.targetLog = logFile;
    const result: StackProfileResult = {
      url: targetUrl,
      runtime: options.runtime,
      recording,
      analysis,
      findings: analysis.findings,
      files,
      interrupted: signal.aborted,
    };
    if (loadResult !== undefined) result.loadResult = loadResult;
    if (loadError !== undefined) result.loadError = loadError;
    return result;
  } catch (error) {
    if (spawned && (await Promise.race([spawned.exited.then(() => true), Promise.resolve(false)])))
      throw targetExitedError(spawned.outputTail().split('\n'));
    throw error;
  } finally {
    if (spawned) {
      progress('stopping the target');
      await spawned.stop();
    }
    await capturer.dispose();
  }
}
