/** Event listeners of script-facing emitters (WebSocket, gRPC streams), called as k6 calls them. */

/**
 * Calls each listener in order with `call(listener, arg)`. A listener that throws, or returns a
 * promise that rejects, hands its error to `fail`; a synchronous throw also stops the dispatch
 * (the listeners after it are not called) and makes the result false. `call` and `fail` can be
 * made once per emitter and the event passed as `arg`: a dispatch per message then allocates no
 * closure.
 */
export function callListeners<L, A = undefined>(
  listeners: readonly L[],
  call: (listener: L, arg: A) => unknown,
  fail: (error: unknown) => void,
  arg?: A,
): boolean {
  for (let i = 0; i < listeners.length; i++) {
    try {
      const result = call(listeners[i]!, arg as A);
      if (typeof (result as { then?: unknown } | null)?.then === 'function')
        (result as Promise<unknown>).then(undefined, fail);
    } catch (error) {
      fail(error);
      return false;
    }
  }
  return true;
}
