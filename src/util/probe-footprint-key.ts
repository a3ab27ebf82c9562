/**
 * Where the probe publishes its own retained memory in the process it runs in, and the inspector
 * expression that reads it: the profiler and the audit subtract it from every retained-heap
 * checkpoint so the probe's bounded bookkeeping (caches and maps that fill up to their caps) is
 * never judged as the application's leak.
 */

/** `Symbol.for` key of the function `() => bytes` the probe installs on `globalThis`. */
export const PROBE_FOOTPRINT_KEY = 'redline.probe.footprint';

/** JavaScript expression evaluating to the probe's retained bytes in the target, 0 without a probe. */
export const PROBE_FOOTPRINT_EXPRESSION = `(typeof globalThis[Symbol.for('${PROBE_FOOTPRINT_KEY}')] === 'function' ? Number(globalThis[Symbol.for('${PROBE_FOOTPRINT_KEY}')]()) || 0 : 0)`;
