/** The five planted bottlenecks as on/off switches: `fixed` turns all off, per-bottleneck overrides win. */

/** One flag per planted bottleneck: `true` means the bottleneck is present (planted), `false` fixed. */
export interface DemoBottleneckSwitches {
  /** `POST /auth/login` hashes with `crypto.pbkdf2Sync` on the event loop (fixed: async `crypto.pbkdf2`). */
  syncHash: boolean;
  /** `GET /items` runs one query per item for its seller (fixed: one JOIN). */
  nPlusOne: boolean;
  /** `GET /categories/:slug/items` filters `items` without an index (fixed: the index exists). */
  missingIndex: boolean;
  /** `GET /orders` returns every order of the user (fixed: pages of 20 by default, 100 at most). */
  unpaginated: boolean;
  /** Every request is appended to an unbounded in-memory history (fixed: a bounded ring). */
  memoryLeak: boolean;
}

/** The switch names, in the order the bottlenecks are documented. */
export const SWITCH_NAMES: readonly (keyof DemoBottleneckSwitches)[] = [
  'syncHash',
  'nPlusOne',
  'missingIndex',
  'unpaginated',
  'memoryLeak',
];

/**
 * Resolves the switches: every bottleneck is planted unless `fixed` is true; `overrides` set
 * single bottlenecks (`{ nPlusOne: false }` fixes only the N+1).
 */
export function resolveSwitches(
  fixed = false,
  overrides: Partial<DemoBottleneckSwitches> = {},
): DemoBottleneckSwitches {
  const switches = {} as DemoBottleneckSwitches;
  for (const name of SWITCH_NAMES) switches[name] = overrides[name] ?? !fixed;
  return switches;
}
