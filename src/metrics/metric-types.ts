/** Metric kinds, value units and series keys: the vocabulary shared by every part of metrics/. */

/** The four metric kinds of k6: Counter (sum), Gauge (last value), Rate (share of non-zero), Trend (distribution). */
export type MetricType = 'counter' | 'gauge' | 'rate' | 'trend';

/** What the values of a metric are: plain numbers, durations in milliseconds, or bytes. */
export type ValueContains = 'default' | 'time' | 'data';

/** How shards combine a gauge: `sum` (e.g. `vus`: each shard runs part of the VUs) or `last` written value. */
export type GaugeMerge = 'sum' | 'last';

/** A metric's identity and kind. */
export interface MetricDescriptor {
  name: string;
  type: MetricType;
  contains: ValueContains;
  /** Only for gauges; default `last`. */
  gaugeMerge?: GaugeMerge;
}

/** Tags of a sample: string keys and values, as in k6. */
export type Tags = Readonly<Record<string, string>>;

/** Valid metric names: k6's rule (letters, digits, underscore; 1-128 chars, not starting with a digit). */
export const METRIC_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/**
 * The key of one series: `name` alone when there are no tags, otherwise `name{a:1,b:2}` with tag
 * keys sorted, the same spelling k6 uses for sub-metrics in thresholds.
 */
export function seriesKey(name: string, tags: Tags | undefined): string {
  if (!tags) return name;
  const keys = Object.keys(tags);
  if (keys.length === 0) return name;
  keys.sort();
  let key = `${name}{`;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    if (i > 0) key += ',';
    key += `${k}:${tags[k]}`;
  }
  return `${key}}`;
}

/** True when every tag of `filter` is present with the same value in `tags`. */
export function tagsMatch(tags: Tags, filter: Tags): boolean {
  for (const k in filter) {
    if (tags[k] !== filter[k]) return false;
  }
  return true;
}
