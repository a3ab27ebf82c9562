/** Flushes the probe's report on process exit and on SIGINT/SIGTERM without changing how the app exits. */

/** Callbacks: `flush` writes what is pending; `end(reason)` writes the final records. */
export interface ExitHooks {
  flush(): void;
  end(reason: string): void;
}

/**
 * On 'exit': `end('exit')`. On SIGINT/SIGTERM: when the app has no handler of its own, `end(signal)`
 * and the signal is re-raised so the default termination still happens; when it has one, only
 * `flush()` (the app decides when to exit, and 'exit' writes the end). Returns an uninstaller.
 */
export function installExitFlush(hooks: ExitHooks): () => void {
  let ended = false;
  const end = (reason: string) => {
    if (ended) return;
    ended = true;
    hooks.end(reason);
  };
  const onProcessExit = () => end('exit');
  const handlers = new Map<NodeJS.Signals, () => void>();
  for (const signal of ['SIGINT', 'SIGTERM'] as NodeJS.Signals[]) {
    const handler = () => {
      process.removeListener(signal, handler);
      if (process.listenerCount(signal) > 0) {
        hooks.flush();
        return;
      }
      end(signal);
      process.kill(process.pid, signal);
    };
    handlers.set(signal, handler);
    process.on(signal, handler);
  }
  process.on('exit', onProcessExit);
  return () => {
    process.removeListener('exit', onProcessExit);
    for (const [signal, handler] of handlers) process.removeListener(signal, handler);
  };
}
