/**
 * Aggregate: the merged view of many snapshots (of many shards, over one interval or the whole
 * run). Counters, rates and trends merge exactly (HDR histograms add bucket by bucket); gauges
 * merge by their descriptor's rule (`sum` of each shard's latest value, or the `last` write).
 */
import {
  addHistogram,
  createHistogram,
  decodeHistogram,
  type Histogram,
  percentile,
} from './histogram.js';
import {
  type MetricDescriptor,
  type MetricType,
  type Tags,
  tagsMatch,
  type ValueContains,
} from './metric-types.js';
import type { SeriesDelta, Snapshot } from './snapshot.js';

/** Merged state of one series. */
export interface SeriesState {
  key: string;
  metric: string;
  tags: Tags;
  type: MetricType;
  /** Counter sum; rate passes; trend value sum; gauge: current value. */
  sum: number;
  /** Rate: number of values; trend: number of values; counter: number of deltas merged. */
  count: number;
  min: number;
  max: number;
  /** Trend only: the merged distribution. */
  histogram?: Histogram;
  /** Gauge only: each shard's latest value and when it was written. */
  gaugeByShard?: Map<number, { value: number; at: number }>;
}

/** A metric (or sub-metric) summarised over the series that match a tag filter. */
export interface MetricSummary {
  name: string;
  type: MetricType;
  contains: ValueContains;
  /** Counter: total; rate: non-zero values; trend: sum of values; gauge: value. */
  sum: number;
  /** Trend and rate: number of values. */
  count: number;
  min: number;
  max: number;
  /** Trend: merged histogram (empty histogram when nothing matched). */
  histogram?: Histogram;
}

/** Merges snapshots into per-series totals and answers metric queries. */
export class Aggregate {
  readonly descriptors = new Map<string, MetricDescriptor>();
  readonly series = new Map<string, SeriesState>();
  /** How many shards feed this aggregate, when known (makes `sum` gauges' min/max exact). */
  readonly #shards: number | undefined;

  /**
   * `shards`: the number of shards whose snapshots will be merged. A `sum` gauge's min and max
   * then count only totals to which every shard contributed (a total with one shard in is not a
   * value the test ever had); without it, every total seen counts.
   */
  constructor(shards?: number) {
    this.#shards = shards;
  }

  /** Adds every series of `snapshot`. */
  addSnapshot(snapshot: Snapshot): void {
    for (const d of snapshot.metrics)
      if (!this.descriptors.has(d.name)) this.descriptors.set(d.name, d);
    for (const s of snapshot.series)
      this.addDelta(snapshot.shard, s.key, s.metric, s.tags, s.delta);
  }

  /** Adds one series change coming from `shard`. */
  addDelta(shard: number, key: string, metric: string, tags: Tags, delta: SeriesDelta): void {
    let state = this.series.get(key);
    if (!state) {
      state = {
        key,
        metric,
        tags,
        type: delta.type,
        sum: 0,
        count: 0,
        min: Number.POSITIVE_INFINITY,
        max: Number.NEGATIVE_INFINITY,
      };
      if (delta.type === 'trend') state.histogram = createHistogram('total');
      if (delta.type === 'gauge') state.gaugeByShard = new Map();
      this.series.set(key, state);
    }
    switch (delta.type) {
      case 'counter':
        state.sum += delta.sum;
        state.count++;
        break;
      case 'rate':
        state.sum += delta.passes;
        state.count += delta.total;
        break;
      case 'trend':
        if (delta.count === 0) break;
        state.sum += delta.sum;
        state.count += delta.count;
        if (delta.min < state.min) state.min = delta.min;
        if (delta.max > state.max) state.max = delta.max;
        addHistogram(
          state.histogram!,
          typeof delta.histogram === 'string' ? decodeHistogram(delta.histogram) : delta.histogram,
        );
        break;
      case 'gauge':
        this.#mergeGauge(state, shard, delta.value, delta.at, delta.min, delta.max);
        break;
    }
  }

  /** Adds all of another aggregate's state (used to fold intervals into run totals). */
  addAggregate(other: Aggregate): void {
    for (const [name, d] of other.descriptors)
      if (!this.descriptors.has(name)) this.descriptors.set(name, d);
    for (const o of other.series.values()) {
      let state = this.series.get(o.key);
      if (!state) {
        state = {
          key: o.key,
          metric: o.metric,
          tags: o.tags,
          type: o.type,
          sum: 0,
          count: 0,
          min: Number.POSITIVE_INFINITY,
          max: Number.NEGATIVE_INFINITY,
        };
        if (o.type === 'trend') state.histogram = createHistogram('total');
        if (o.type === 'gauge') state.gaugeByShard = new Map();
        this.series.set(o.key, state);
      }
      if (o.type === 'gauge') {
        for (const [shard, g] of o.gaugeByShard ?? [])
          this.#mergeGauge(state, shard, g.value, g.at, o.min, o.max);
        continue;
      }
      state.sum += o.sum;
      state.count += o.count;
      if (o.min < state.min) state.min = o.min;
      if (o.max > state.max) state.max = o.max;
      if (o.histogram) addHistogram(state.histogram!, o.histogram);
    }
  }

  /** Names of all metrics seen, in first-seen order. */
  metricNames(): string[] {
    const names = new Set<string>(this.descriptors.keys());
    for (const s of this.series.values()) names.add(s.metric);
    return [...names];
  }

  /** Summarises metric `name` over its series whose tags include `filter` (all series when omitted). */
  summarize(name: string, filter?: Tags): MetricSummary | undefined {
    let summary: MetricSummary | undefined;
    for (const s of this.series.values()) {
      if (s.metric !== name || (filter && !tagsMatch(s.tags, filter))) continue;
      if (!summary) {
        const d = this.descriptors.get(name);
        summary = {
          name,
          type: s.type,
          contains: d?.contains ?? 'default',
          sum: 0,
          count: 0,
          min: Number.POSITIVE_INFINITY,
          max: Number.NEGATIVE_INFINITY,
        };
        if (s.type === 'trend') summary.histogram = createHistogram('total');
      }
      summary.sum += s.sum;
      summary.count += s.count;
      if (s.min < summary.min) summary.min = s.min;
      if (s.max > summary.max) summary.max = s.max;
      if (s.histogram) addHistogram(summary.histogram!, s.histogram);
    }
    if (summary && summary.count === 0 && summary.type !== 'counter' && summary.type !== 'gauge') {
      summary.min = 0;
      summary.max = 0;
    }
    // A gauge whose shards never all reported (a crashed worker): its current total is all we know.
    if (summary?.type === 'gauge' && summary.min > summary.max) {
      summary.min = summary.sum;
      summary.max = summary.sum;
    }
    return summary;
  }

  #mergeGauge(
    state: SeriesState,
    shard: number,
    value: number,
    at: number,
    min: number,
    max: number,
  ): void {
    const byShard = state.gaugeByShard!;
    const previous = byShard.get(shard);
    if (!previous || at >= previous.at) byShard.set(shard, { value, at });
    const descriptor = this.descriptors.get(state.metric);
    if (descriptor?.gaugeMerge === 'sum') {
      let total = 0;
      for (const g of byShard.values()) total += g.value;
      state.sum = total;
      // With one shard its own min/max are exact; with several, only the sums seen are known.
      if (byShard.size === 1 && (this.#shards ?? 1) === 1) {
        if (min < state.min) state.min = min;
        if (max > state.max) state.max = max;
      }
      if (this.#shards === undefined || byShard.size >= this.#shards) {
        if (total < state.min) state.min = total;
        if (total > state.max) state.max = total;
      }
    } else {
      let latest = { value, at: Number.NEGATIVE_INFINITY };
      for (const g of byShard.values()) if (g.at >= latest.at) latest = g;
      state.sum = latest.value;
      if (min < state.min) state.min = min;
      if (max > state.max) state.max = max;
    }
    state.count = 1;
  }
}

/** Statistic names accepted by {@link trendStat} and thresholds: avg, min, med, max, count, p(N). */
export type TrendStatName = string;

/**
 * A statistic of a trend summary: `avg`, `min`, `med`, `max`, `count`, `sum` or `p(N)`
 * (0 ≤ N ≤ 100). Returns undefined for an unknown name.
 */
export function trendStat(summary: MetricSummary, stat: TrendStatName): number | undefined {
  const h = summary.histogram;
  switch (stat) {
    case 'avg':
      return summary.count > 0 ? summary.sum / summary.count : 0;
    case 'min':
      return summary.count > 0 ? summary.min : 0;
    case 'max':
      return summary.count > 0 ? summary.max : 0;
    case 'count':
      return summary.count;
    case 'sum':
      return summary.sum;
    case 'med':
      return h ? clampToRange(percentile(h, 50), summary) : undefined;
  }
  const match = /^p\((\d+(?:\.\d+)?)\)$/.exec(stat);
  if (!match || !h) return undefined;
  const p = Number(match[1]);
  if (p < 0 || p > 100) return undefined;
  return clampToRange(percentile(h, p), summary);
}

/** HDR answers with the top of a bucket; never report beyond the exact recorded min/max. */
function clampToRange(value: number, summary: MetricSummary): number {
  if (summary.count === 0) return 0;
  return Math.min(Math.max(value, summary.min), summary.max);
}
