/**
 * A child process the e2e tests start and watch: its stdout and stderr collected as text, its
 * exit code as a promise, and a wait for a line on stderr. Every child is remembered so that
 * `killAll` (in `afterAll`) leaves none behind.
 */
import { type ChildProcess, spawn } from 'node:child_process';

/** A started process with its output so far. */
export interface Spawned {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  /** The exit code (null when killed by a signal). */
  exit: Promise<number | null>;
  /** Resolves when stderr matches; rejects if the process exits first. */
  waitFor: (pattern: RegExp) => Promise<void>;
}

/** The processes started by {@link spawnWatched} in this test file. */
const started: ChildProcess[] = [];

/** Starts `command args` with NO_COLOR=1 (plus `env`), collecting its output. */
export function spawnWatched(
  command: string,
  args: string[],
  env: Record<string, string> = {},
): Spawned {
  const child = spawn(command, args, {
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let stdout = '';
  let stderr = '';
  const watchers: Array<{ pattern: RegExp; resolve: () => void }> = [];
  child.stdout?.on('data', (d) => {
    stdout += d;
  });
  child.stderr?.on('data', (d) => {
    stderr += d;
    for (const w of [...watchers])
      if (w.pattern.test(stderr)) {
        watchers.splice(watchers.indexOf(w), 1);
        w.resolve();
      }
  });
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    child,
    out: () => stdout,
    err: () => stderr,
    exit,
    waitFor: (pattern) =>
      pattern.test(stderr)
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            watchers.push({ pattern, resolve });
            void exit.then(() =>
              reject(new Error(`exited before ${pattern}: ${stderr}\n${stdout}`)),
            );
          }),
  };
}

/** SIGKILLs every process {@link spawnWatched} started that is still running. */
export function killAll(): void {
  for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}
