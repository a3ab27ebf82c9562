/**
 * Ctrl-C handling for long commands: the first SIGINT/SIGTERM aborts the run gracefully (results
 * are still printed and written), a second one exits at once.
 */

/** Installs the handlers; returns the signal to pass to the run and a function to remove them. */
export function installInterruptHandler(onFirst?: () => void): {
  signal: AbortSignal;
  dispose: () => void;
} {
  const controller = new AbortController();
  let count = 0;
  const handler = () => {
    count++;
    if (count === 1) {
      process.stderr.write(
        '\nredline: stopping (Ctrl-C again to quit at once); writing partial results...\n',
      );
      onFirst?.();
      controller.abort({ reason: 'interrupted' });
    } else {
      process.exit(130);
    }
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
