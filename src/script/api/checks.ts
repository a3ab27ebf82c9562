/** `check(value, {name: predicate}, tags)`: records the `checks` rate per check; never throws for a failed check. */
import { BUILTIN_METRICS } from '../../metrics/builtin.js';
import type { MetricRegistry } from '../../metrics/registry.js';
import type { RateSeries } from '../../metrics/series.js';
import { hasKeys } from '../../util/has-keys.js';
import { isThenable } from '../../util/is-thenable.js';
import { threadRuntime } from '../runtime/thread-runtime.js';
import { currentVu, type VuState } from '../runtime/vu-state.js';
import { contextKey, contextTags } from './sample-tags.js';

const seriesByRegistry = new WeakMap<MetricRegistry, Map<string, RateSeries>>();

/** A check: a predicate on the value, or a plain boolean. */
export type CheckSet<T> = Record<string, ((value: T) => unknown) | boolean>;

/**
 * Runs every check of `sets` on `value`, records each outcome in `checks` (tagged `check`), and
 * returns true when all passed. A predicate that throws propagates (the iteration fails), as in k6.
 *
 * A predicate that returns a promise (a k6 predicate making a request, made async by the k6
 * transform, which then awaits this check() call) is awaited, and the checks after it run in
 * order once it settled: check() then returns a promise of the same boolean.
 */
export function check<T>(
  value: T,
  sets: CheckSet<T>,
  tags?: Record<string, string>,
): boolean | Promise<boolean> {
  const registry = threadRuntime().registry;
  let cache = seriesByRegistry.get(registry);
  if (!cache) {
    cache = new Map();
    seriesByRegistry.set(registry, cache);
  }
  let all = true;
  for (const name in sets) {
    const predicate = sets[name]!;
    const result = typeof predicate === 'function' ? predicate(value) : predicate;
    if (isThenable(result)) return finishAsync(value, sets, tags, name, result, all);
    // The context is read after the predicate ran: a predicate may change groups.
    const passed = Boolean(result);
    seriesFor(registry, cache, name, tags).add(passed ? 1 : 0);
    if (!passed) all = false;
  }
  return all;
}

/** A VU's check series by group and check name (for checks without tags of their own). */
interface VuCheckSeries {
  registry: MetricRegistry;
  scenario: VuState['scenario'];
  byGroup: Map<string, Map<string, RateSeries>>;
}

const seriesByVu = new WeakMap<VuState, VuCheckSeries>();

/**
 * The `checks` series of check `name` in the calling VU's context. Checks without tags of their
 * own, of a VU without VU tags, are found by group and name (no key string per check).
 */
function seriesFor(
  registry: MetricRegistry,
  cache: Map<string, RateSeries>,
  name: string,
  tags: Record<string, string> | undefined,
): RateSeries {
  const vu = currentVu();
  if (vu === undefined || hasKeys(tags) || hasKeys(vu.tags))
    return seriesOf(registry, cache, name, contextKey(tags, vu), tags);
  let memo = seriesByVu.get(vu);
  if (memo === undefined || memo.registry !== registry || memo.scenario !== vu.scenario) {
    memo = { registry, scenario: vu.scenario, byGroup: new Map() };
    seriesByVu.set(vu, memo);
  }
  let byName = memo.byGroup.get(vu.group);
  if (byName === undefined) {
    byName = new Map();
    memo.byGroup.set(vu.group, byName);
  }
  let series = byName.get(name);
  if (series === undefined) {
    series = seriesOf(registry, cache, name, contextKey(tags, vu), tags);
    byName.set(name, series);
  }
  return series;
}

function seriesOf(
  registry: MetricRegistry,
  cache: Map<string, RateSeries>,
  name: string,
  context: string,
  tags: Record<string, string> | undefined,
): RateSeries {
  const key = `${name}\u0001${context}`;
  let series = cache.get(key);
  if (!series) {
    series = registry.rate(BUILTIN_METRICS.checks, { ...contextTags(tags), check: name });
    cache.set(key, series);
  }
  return series;
}

/**
 * The rest of a check() whose predicate `from` returned `pending`: awaits it, then runs the
 * predicates after it in order (awaiting those that return promises too).
 */
async function finishAsync<T>(
  value: T,
  sets: CheckSet<T>,
  tags: Record<string, string> | undefined,
  from: string,
  pending: PromiseLike<unknown>,
  allSoFar: boolean,
): Promise<boolean> {
  let all = allSoFar;
  let started = false;
  for (const name in sets) {
    if (!started && name !== from) continue;
    let result: unknown;
    if (!started) {
      started = true;
      result = await pending;
    } else {
      const predicate = sets[name]!;
      const r = typeof predicate === 'function' ? predicate(value) : predicate;
      result = isThenable(r) ? await r : r;
    }
    const registry = threadRuntime().registry;
    let cache = seriesByRegistry.get(registry);
    if (!cache) {
      cache = new Map();
      seriesByRegistry.set(registry, cache);
    }
    const passed = Boolean(result);
    seriesFor(registry, cache, name, tags).add(passed ? 1 : 0);
    if (!passed) all = false;
  }
  return all;
}
