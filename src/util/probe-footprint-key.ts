/**
 * Where the probe publishes its own retained memory in the process it runs in, and the inspector
 * expression that reads it: the profiler and the audit subtract it from every retained-heap
 * checkpoint so the probe's bounded bookkeeping (caches and maps that fill up to their caps) is
 * never judged as the application's leak.
 */

/** `Symbol.for` key of the function `() => bytes` the probe installs on `globalThis`. */
export const PROBE_FOOTPRINT_KEY = 'redline.probe.footprint';

function footprintExpression(recent: boolean): string {
  const fn = `globalThis[Symbol.for('${PROBE_FOOTPRINT_KEY}')]`;
  return `(typeof ${fn} === 'function' ? Number(${fn}(${recent})) || 0 : 0)`;
}

/**
 * JavaScript expression evaluating to the probe's retained bytes in the target, 0 without a probe:
 * a fresh walk of its structures (the leak checkpoints after forced GCs).
 */
export const PROBE_FOOTPRINT_EXPRESSION = footprintExpression(false);

/**
 * The same, content with the probe's last walk when it is recent (probe/footprint.ts: at most 1 %
 * of the thread): the reading after every natural full GC, which may come several times a second.
 */
export const PROBE_FOOTPRINT_RECENT_EXPRESSION = footprintExpression(true);
