/** Event listeners of script-facing emitters (WebSocket, gRPC streams), called as k6 calls them. */

/**
 * Calls each listener in order with `call`. A listener that throws, or returns a promise that
 * rejects, hands its error to `fail`; a synchronous throw also stops the dispatch (the listeners
 * after it are not called) and makes the result false.
 */
export function callListeners<L>(
  listeners: Iterable<L>,
  call: (listener: L) => unknown,
  fail: (error: unknown) => void,
): boolean {
  for (const listener of listeners) {
    try {
      const result = call(listener);
      if (typeof (result as { then?: unknown } | null)?.then === 'function')
        (result as Promise<unknown>).then(undefined, fail);
    } catch (error) {
      fail(error);
      return false;
    }
  }
  return true;
}
