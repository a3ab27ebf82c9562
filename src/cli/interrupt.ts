/**
 * Ctrl-C handling for long commands. The first SIGINT/SIGTERM aborts the run gracefully: every
 * phase (setup(), the load, teardown(), the audit steps, the profile capture) stops at once and
 * what was measured is printed and written (exit 105). A second one quits at once: the writers
 * registered with {@link Interrupt.onForcedExit} write what exists synchronously, then the process
 * exits with 130 (SIGINT) or 143 (SIGTERM).
 */
import { ExitCode, type ExitCodeValue } from '../errors/exit-codes.js';

/** What a command gets from {@link installInterruptHandler}. */
export interface Interrupt {
  /** Aborted on the first signal (reason `{ reason: 'interrupted' }`): pass it to the run. */
  readonly signal: AbortSignal;
  /**
   * Registers a synchronous writer of what was measured so far, run if a second signal forces
   * the exit (before the graceful path had finished writing). Writers run in order; one that
   * throws does not stop the others.
   */
  onForcedExit(write: () => void): void;
  /** Removes the handlers (call once the command's results are written). */
  dispose(): void;
}

/** The exit code of a forced exit after a second `signal`. */
export function forcedExitCode(signal: NodeJS.Signals): ExitCodeValue {
  return signal === 'SIGTERM' ? ExitCode.ForcedTerminate : ExitCode.ForcedInterrupt;
}

/** Installs the handlers; `onFirst` runs on the first signal, after the notice is printed. */
export function installInterruptHandler(onFirst?: () => void): Interrupt {
  const controller = new AbortController();
  const writers: Array<() => void> = [];
  let count = 0;
  const handler = (signal: NodeJS.Signals) => {
    count++;
    if (count === 1) {
      process.stderr.write(
        '\nredline: stopping (Ctrl-C again to quit at once); writing partial results...\n',
      );
      onFirst?.();
      controller.abort({ reason: 'interrupted' });
      return;
    }
    const code = forcedExitCode(signal);
    process.stderr.write(`\nredline: second ${signal}: quitting at once (exit ${code})\n`);
    for (const write of writers) {
      try {
        write();
      } catch (error) {
        process.stderr.write(
          `redline: could not write partial results: ${(error as Error).message}\n`,
        );
      }
    }
    process.exit(code);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    onForcedExit: (write) => {
      writers.push(write);
    },
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
