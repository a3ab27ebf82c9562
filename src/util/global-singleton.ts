/**
 * One value per thread shared by every copy of a module: compiled dist/ modules imported by a
 * script bundle and TypeScript src/ modules imported by tests must see the same runtime state.
 */

/** Returns the value stored under `Symbol.for(key)` on globalThis, creating it once with `create`. */
export function globalSingleton<T>(key: string, create: () => T): T {
  const slot = globalThis as Record<symbol, unknown>;
  const symbol = Symbol.for(key);
  if (!(symbol in slot)) slot[symbol] = create();
  return slot[symbol] as T;
}
