/** Runs a final flush on process exit and on SIGINT/SIGTERM without changing how the app exits. */

/**
 * Calls `onExit(reason)` once: on 'exit', or on SIGINT/SIGTERM. For signals, when the app has no
 * handler of its own the signal is re-raised after the flush, so the default termination still
 * happens; when it has one, the app decides. Returns a function that removes the handlers.
 */
export function installExitFlush(onExit: (reason: string) => void): () => void {
  let done = false;
  const once = (reason: string) => {
    if (done) return;
    done = true;
    onExit(reason);
  };
  const onProcessExit = () => once('exit');
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
  const handlers = new Map<NodeJS.Signals, () => void>();
  for (const signal of signals) {
    const handler = () => {
      once(signal);
      process.removeListener(signal, handler);
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
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
