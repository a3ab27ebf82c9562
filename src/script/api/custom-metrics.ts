/**
 * Custom metrics for scripts (k6's `Counter`, `Gauge`, `Rate`, `Trend`): declared in the init
 * context, added to from iterations with optional tags; samples carry the VU's context tags.
 */
import type { MetricType, ValueContains } from '../../metrics/metric-types.js';
import type { MetricRegistry } from '../../metrics/registry.js';
import type { Series } from '../../metrics/series.js';
import { threadRuntime } from '../runtime/thread-runtime.js';
import { contextKey, contextTags } from './sample-tags.js';

const seriesByRegistry = new WeakMap<MetricRegistry, Map<string, Series>>();

abstract class CustomMetric {
  readonly name: string;
  readonly #type: MetricType;
  readonly #contains: ValueContains;

  protected constructor(name: string, type: MetricType, contains: ValueContains) {
    this.name = name;
    this.#type = type;
    this.#contains = contains;
    threadRuntime().registry.define({ name, type, contains });
  }

  /** Adds a sample; `tags` are added to the VU's context tags. Returns true (as k6). */
  add(value: number | boolean, tags?: Record<string, string>): boolean {
    const registry = threadRuntime().registry;
    let cache = seriesByRegistry.get(registry);
    if (!cache) {
      cache = new Map();
      seriesByRegistry.set(registry, cache);
    }
    const key = `${this.name}\u0001${contextKey(tags)}`;
    let series = cache.get(key);
    if (!series) {
      const context = { tags: contextTags(tags) };
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
    const numeric = typeof value === 'boolean' ? (value ? 1 : 0) : Number(value);
    if (Number.isNaN(numeric)) return false;
    series.add(numeric);
    return true;
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
