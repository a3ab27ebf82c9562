/** `check(value, {name: predicate}, tags)`: records the `checks` rate per check; never throws for a failed check. */
import { BUILTIN_METRICS } from '../../metrics/builtin.js';
import type { MetricRegistry } from '../../metrics/registry.js';
import type { RateSeries } from '../../metrics/series.js';
import { threadRuntime } from '../runtime/thread-runtime.js';
import { contextKey, contextTags } from './sample-tags.js';

const seriesByRegistry = new WeakMap<MetricRegistry, Map<string, RateSeries>>();

/** A check: a predicate on the value, or a plain boolean. */
export type CheckSet<T> = Record<string, ((value: T) => unknown) | boolean>;

/**
 * Runs every check of `sets` on `value`, records each outcome in `checks` (tagged `check`), and
 * returns true when all passed. A predicate that throws propagates (the iteration fails), as in k6.
 */
export function check<T>(value: T, sets: CheckSet<T>, tags?: Record<string, string>): boolean {
  const registry = threadRuntime().registry;
  let cache = seriesByRegistry.get(registry);
  if (!cache) {
    cache = new Map();
    seriesByRegistry.set(registry, cache);
  }
  let all = true;
  let context: string | undefined;
  for (const name in sets) {
    const predicate = sets[name]!;
    const passed = typeof predicate === 'function' ? Boolean(predicate(value)) : Boolean(predicate);
    // The context is read after the predicate ran (as before): a predicate may change groups.
    context ??= contextKey(tags);
    const key = `${name}\u0001${context}`;
    let series = cache.get(key);
    if (!series) {
      series = registry.rate(BUILTIN_METRICS.checks, { ...contextTags(tags), check: name });
      cache.set(key, series);
    }
    series.add(passed ? 1 : 0);
    if (!passed) all = false;
  }
  return all;
}
