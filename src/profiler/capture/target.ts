/** Starting the target with the inspector on a random loopback port, or attaching to a running one. */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import { basename } from 'node:path';
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import { discoverDebuggerUrl, inspectorError } from './inspector-client.js';

/** A target process the profiler started. */
export interface SpawnedTarget {
  pid: number;
  /** The `ws://` URL of its inspector: the latest announced (waits for the first; see {@link spawnTarget}). */
  debuggerUrl(): Promise<string>;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The last lines the target printed (for error messages). */
  outputTail(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

/** Options of {@link spawnTarget}. */
export interface SpawnTargetOptions {
  command: readonly string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Module preloaded with `--import` through NODE_OPTIONS (the redline/probe injection point). */
  preload?: string;
  /** Where the target's stdout/stderr go (a file); they are not echoed to the terminal. */
  logFile?: string;
  /** Start Node's inspector (default true; false for Go, JVM and Python targets). */
  inspect?: boolean;
}

const DEBUGGER_LISTENING = /Debugger listening on (ws:\/\/\S+)/;

/** True when the command runs the node binary directly (then --inspect goes on its command line). */
export function isNodeCommand(command: readonly string[]): boolean {
  const bin = basename(command[0] ?? '');
  return command[0] === process.execPath || /^node(js)?(\d+)?(\.exe)?$/.test(bin);
}

/** Builds argv and NODE_OPTIONS for the target: inspector on 127.0.0.1:0, optional preload. */
export function createTargetInvocation(options: SpawnTargetOptions): {
  argv: string[];
  env: NodeJS.ProcessEnv;
} {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  const extra: string[] = [];
  if (options.preload) extra.push(`--import=${options.preload}`);
  let argv = [...options.command];
  if (options.inspect === false) {
    // Not a Node target: no inspector.
  } else if (isNodeCommand(argv))
    argv = [argv[0] as string, '--inspect=127.0.0.1:0', ...argv.slice(1)];
  else extra.push('--inspect=127.0.0.1:0'); // npm/npx/tsx: every Node process they start gets it.
  if (extra.length > 0) env.NODE_OPTIONS = [env.NODE_OPTIONS, ...extra].filter(Boolean).join(' ');
  return { argv, env };
}

/**
 * Spawns the target. Its inspector announces itself on stderr; when a wrapper (npm, tsx) starts
 * several Node processes, the target is the last one announced: ask for `debuggerUrl()` after
 * the target answers on its URL.
 */
export function spawnTarget(options: SpawnTargetOptions): SpawnedTarget {
  const { argv, env } = createTargetInvocation(options);
  if (argv.length === 0)
    throw new RedlineError('PROFILE_NO_COMMAND', 'no command to start the target', {
      exitCode: ExitCode.Usage,
    });
  const child = spawn(argv[0] as string, argv.slice(1), {
    cwd: options.cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log: WriteStream | undefined = options.logFile
    ? createWriteStream(options.logFile)
    : undefined;
  const tail: string[] = [];
  let announced: string | undefined;
  let onAnnounce: ((url: string) => void) | undefined;
  const collect = (chunk: Buffer): void => {
    log?.write(chunk);
    for (const line of chunk.toString().split('\n')) {
      if (line.trim() === '') continue;
      tail.push(line);
      if (tail.length > 30) tail.shift();
      const url = DEBUGGER_LISTENING.exec(line)?.[1];
      if (url) {
        announced = url;
        onAnnounce?.(url);
      }
    }
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      log?.end();
      resolve({ code, signal });
    });
    child.once('error', (error) => {
      tail.push(String(error));
      resolve({ code: null, signal: null });
    });
  });
  const firstAnnounced = new Promise<void>((resolve, reject) => {
    onAnnounce = () => resolve();
    exited.then(() => reject(targetExitedError(tail)));
  });
  firstAnnounced.catch(() => {});
  const debuggerUrl = async (): Promise<string> => {
    await firstAnnounced;
    return announced as string;
  };
  return {
    pid: child.pid ?? -1,
    debuggerUrl,
    exited,
    outputTail: () => tail.join('\n'),
    stop: (graceMs) => stopChild(child, exited, graceMs),
  };
}

async function stopChild(
  child: ChildProcess,
  exited: Promise<unknown>,
  graceMs = 5000,
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * The error for a target that exited before it could be profiled, or (with `during`: how it
 * ended, e.g. "with code 3") while it was profiled.
 */
export function targetExitedError(tail: readonly string[], during?: string): RedlineError {
  return new RedlineError(
    'PROFILE_TARGET_EXITED',
    during
      ? `the target exited ${during} while it was profiled`
      : 'the target exited before it could be profiled',
    {
      exitCode: ExitCode.TargetUnreachable,
      hint: 'Check the command; the last lines it printed are listed above.',
      problems: tail.slice(-10),
    },
  );
}

/**
 * Finds the inspector of a running process: `host:port` (started with --inspect) or a pid, which
 * gets SIGUSR1 (Node then opens its inspector on 127.0.0.1:9229) only if it is a Node process.
 */
export async function resolveAttachTarget(spec: string, timeoutMs = 5000): Promise<string> {
  if (/^\d+$/.test(spec)) return attachToPid(Number(spec), timeoutMs);
  const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(spec);
  if (!match) {
    throw new RedlineError('PROFILE_BAD_ATTACH', `cannot attach to "${spec}"`, {
      exitCode: ExitCode.Usage,
      hint: 'Use --attach host:port (a process started with --inspect) or --attach <pid>.',
    });
  }
  return discoverDebuggerUrl(match[1] as string, Number(match[2]), timeoutMs);
}

async function attachToPid(pid: number, timeoutMs: number): Promise<string> {
  let cmdline = '';
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    // Not Linux, or no such process: let process.kill report it.
  }
  if (cmdline !== '' && !/(^|\/)node[^/\0]*\0/.test(cmdline)) {
    throw new RedlineError('PROFILE_NOT_NODE', `process ${pid} is not a Node.js process`, {
      exitCode: ExitCode.Usage,
      hint: 'SIGUSR1 would stop other programs; attach only to node processes.',
    });
  }
  try {
    process.kill(pid, 'SIGUSR1');
  } catch (cause) {
    throw new RedlineError('PROFILE_NO_PROCESS', `cannot signal process ${pid}`, {
      exitCode: ExitCode.Usage,
      cause,
    });
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await discoverDebuggerUrl('127.0.0.1', 9229, 1000);
    } catch (error) {
      if (Date.now() > deadline)
        throw inspectorError(`process ${pid} did not open its inspector on 127.0.0.1:9229`, error);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
