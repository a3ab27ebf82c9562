/**
 * Custom metrics for scripts (k6's `Counter`, `Gauge`, `Rate`, `Trend`): declared in the init
 * context, added to from iterations with optional tags; samples carry the VU's context tags.
 */
import type { MetricType, ValueContains } from '../../metrics/metric-types.js';
import type { MetricRegistry } from '../../metrics/registry.js';
import type { Series } from '../../metrics/series.js';
import { hasKeys } from '../../util/has-keys.js';
import { threadRuntime } from '../runtime/thread-runtime.js';
import { currentVu, type VuState } from '../runtime/vu-state.js';
import { contextKey, contextTags } from './sample-tags.js';

const seriesByRegistry = new WeakMap<MetricRegistry, Map<string, Series>>();

/** The series a VU last added to without tags, and what it depends on. */
interface VuSeries {
  registry: MetricRegistry;
  scenario: VuState['scenario'];
  group: string;
  series: Series;
}

abstract class CustomMetric {
  readonly name: string;
  readonly #type: MetricType;
  readonly #contains: ValueContains;
  /**
   * Per VU, the series of an untagged `add` (the common `trend.add(ms)` once per request or per
   * message): valid while the VU has no tags of its own and stays in its scenario and group, so
   * the hot path builds no cache key.
   */
  readonly #byVu = new WeakMap<VuState, VuSeries>();

  protected constructor(name: string, type: MetricType, contains: ValueContains) {
    this.name = name;
    this.#type = type;
    this.#contains = contains;
    threadRuntime().registry.define({ name, type, contains });
  }

  /** Adds a sample; `tags` are added to the VU's context tags. Returns true (as k6). */
  add(value: number | boolean, tags?: Record<string, string>): boolean {
    const series = this.#series(tags);
    const numeric = typeof value === 'boolean' ? (value ? 1 : 0) : Number(value);
    if (Number.isNaN(numeric)) return false;
    series.add(numeric);
    return true;
  }

  #series(tags: Record<string, string> | undefined): Series {
    const registry = threadRuntime().registry;
    const vu = currentVu();
    const untagged =
      vu !== undefined && (tags === undefined || !hasKeys(tags)) && !hasKeys(vu.tags);
    if (untagged) {
      const hit = this.#byVu.get(vu);
      if (
        hit !== undefined &&
        hit.registry === registry &&
        hit.scenario === vu.scenario &&
        hit.group === vu.group
      )
        return hit.series;
    }
    let cache = seriesByRegistry.get(registry);
    if (!cache) {
      cache = new Map();
      seriesByRegistry.set(registry, cache);
    }
    const key = `${this.name}\u0001${contextKey(tags, vu)}`;
    let series = cache.get(key);
    if (!series) {
      const context = { tags: contextTags(tags, vu) };
      const descriptor = registry.define({
        name: this.name,
        type: this.#type,
        contains: this.#contains,
      });
      series =
        this.#type === 'counter'
          ? registry.counter(descriptor, context.tags)
          : this.#type === 'gauge'
            ? registry.gauge(descriptor, context.tags)
            : this.#type === 'rate'
              ? registry.rate(descriptor, context.tags)
              : registry.trend(descriptor, context.tags);
      cache.set(key, series);
    }
    if (untagged) this.#byVu.set(vu, { registry, scenario: vu.scenario, group: vu.group, series });
    return series;
  }
}

/** A sum of values (k6 `Counter`). */
export class Counter extends CustomMetric {
  constructor(name: string) {
    super(name, 'counter', 'default');
  }
}

/** The last value, with min and max (k6 `Gauge`). */
export class Gauge extends CustomMetric {
  constructor(name: string, isTime = false) {
    super(name, 'gauge', isTime ? 'time' : 'default');
  }
}

/** The share of non-zero values (k6 `Rate`). */
export class Rate extends CustomMetric {
  constructor(name: string) {
    super(name, 'rate', 'default');
  }
}

/** A distribution (k6 `Trend`); `isTime` formats values as durations in milliseconds. */
export class Trend extends CustomMetric {
  constructor(name: string, isTime = false) {
    super(name, 'trend', isTime ? 'time' : 'default');
  }
}
