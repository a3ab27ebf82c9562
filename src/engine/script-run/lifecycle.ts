/**
 * The script lifecycle functions that run in the main thread: setup() (its JSON result reaches
 * every VU), teardown(data) and handleSummary(data), each bounded by its timeout; setup() and
 * teardown() also end at once when the run is interrupted (Ctrl-C).
 */

import { ExitCode, type ExitCodeValue } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import { awaitBackgroundTasks, IterationAbort, vuContext } from '../../script/runtime/vu-state.js';
import { formatDuration } from '../../util/duration.js';
import { createStandaloneVu } from './standalone-vu.js';

/** Maps bundle positions in a stack to the user's files, keeping only the user's frames. */
export type StackMap = (stack: string) => string;

/** Thrown by {@link runLifecycle} when the run's signal aborts while setup() or teardown() runs. */
export class LifecycleInterrupted extends Error {
  override readonly name = 'LifecycleInterrupted';
}

async function withTimeout<T>(
  what: string,
  timeoutMs: number,
  code: ExitCodeValue,
  run: () => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new RedlineError(
            'E_SCRIPT_TIMEOUT',
            `${what} did not finish within ${formatDuration(timeoutMs)}`,
            { exitCode: code, hint: `raise ${what.replace('()', '')}Timeout in options` },
          ),
        ),
      timeoutMs,
    );
    if (!signal) return;
    onAbort = () => reject(new LifecycleInterrupted(`${what} was interrupted`));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([run(), timeout]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}

function scriptError(what: string, error: unknown, mapStack: StackMap): Error {
  if (error instanceof RedlineError || error instanceof LifecycleInterrupted) return error;
  if (
    error instanceof Error &&
    error.name === IterationAbort.name &&
    error.message.startsWith('test aborted')
  ) {
    // exec.test.abort() in setup() or teardown(): k6 ends the test with exit code 108.
    return new RedlineError('E_SCRIPT_ABORTED', `${what}: ${error.message}`, {
      exitCode: ExitCode.ScriptAborted,
      cause: error,
    });
  }
  const stack = error instanceof Error ? mapStack(error.stack ?? error.message) : String(error);
  return new RedlineError(
    'E_SCRIPT_EXCEPTION',
    `${what} threw: ${error instanceof Error ? error.message : String(error)}`,
    {
      exitCode: ExitCode.ScriptException,
      problems: [stack],
      cause: error,
    },
  );
}

/**
 * Runs a lifecycle function as a standalone VU; returns its result, JSON-cloned for `setup`.
 * When `signal` aborts, the VU's requests and sleeps are cancelled and {@link LifecycleInterrupted}
 * is thrown at once (the script's own code cannot be stopped, but nothing waits for it).
 */
export async function runLifecycle(
  name: 'setup' | 'teardown',
  fn: (data?: unknown) => unknown,
  data: unknown,
  timeoutMs: number,
  testTags: Record<string, string>,
  mapStack: StackMap,
  signal?: AbortSignal,
): Promise<unknown> {
  // Interrupted before it began (Ctrl-C while the script was loading): do not start it at all.
  if (signal?.aborted) throw new LifecycleInterrupted(`${name}() was interrupted`);
  const vu = createStandaloneVu(name, testTags);
  const code = name === 'setup' ? ExitCode.SetupTimeout : ExitCode.TeardownTimeout;
  try {
    const value = await withTimeout(
      `${name}()`,
      timeoutMs,
      code,
      async () => {
        const value = await vuContext.run(vu.state, () => fn(data));
        await awaitBackgroundTasks(vu.state);
        return value;
      },
      signal,
    );
    if (name !== 'setup' || value === undefined) return value;
    try {
      return JSON.parse(JSON.stringify(value)) as unknown;
    } catch (error) {
      throw new RedlineError(
        'E_SCRIPT_SETUP_DATA',
        'setup() returned data that cannot be serialised to JSON',
        {
          exitCode: ExitCode.ScriptException,
          hint: 'return plain objects, arrays, strings, numbers and booleans (as k6 requires)',
          cause: error,
        },
      );
    }
  } catch (error) {
    throw scriptError(`${name}()`, error, mapStack);
  } finally {
    // k6 reports the bytes of the VU's connections (gRPC, WebSocket) when setup() or teardown()
    // ends, whether it returned, threw or timed out; a connection the script left open is not
    // counted again later.
    vu.state.http.wire.end();
    vu.abort.abort();
    vu.state.wake?.();
    vu.state.http.closeAll();
  }
}

/** Runs handleSummary(data) and returns its `{ stdout | stderr | path: content }` map. */
export async function runHandleSummary(
  fn: (data: unknown) => unknown,
  data: unknown,
  timeoutMs: number,
  mapStack: StackMap,
): Promise<Record<string, string | ArrayBuffer>> {
  try {
    const out = await withTimeout(
      'handleSummary()',
      timeoutMs,
      ExitCode.ScriptException,
      async () => fn(data),
    );
    if (typeof out !== 'object' || out === null) {
      throw new RedlineError(
        'E_SCRIPT_SUMMARY',
        'handleSummary() must return an object such as { stdout: "...", "summary.json": "..." }',
        { exitCode: ExitCode.ScriptException },
      );
    }
    return out as Record<string, string | ArrayBuffer>;
  } catch (error) {
    throw scriptError('handleSummary()', error, mapStack);
  }
}
