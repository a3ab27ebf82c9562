/**
 * PrometheusModel: turns a run's merged Aggregates into Prometheus series (names, sorted labels,
 * values), shared by the exposition endpoint and remote write. Counters, gauges and rates are read
 * from the run totals when asked; trend buckets are grown from each interval's delta (cheap), and
 * rebuilt from the totals if a series ever gets out of step.
 */
import type { Aggregate, MetricSummary, SeriesState } from '../../metrics/aggregate.js';
import { trendStat } from '../../metrics/aggregate.js';
import type { MetricDescriptor } from '../../metrics/metric-types.js';
import type { RunMeta } from '../../results/run-meta.js';
import {
  DEFAULT_PREFIX,
  DEFAULT_TREND_STATS,
  defaultBuckets,
  helpText,
  metricNames,
  sanitizeLabelName,
  trendStatSuffix,
  unitFactor,
} from './naming.js';
import { TrendBuckets } from './trend-buckets.js';

/** Label pairs sorted by name, without `__name__`. */
export type Labels = ReadonlyArray<readonly [string, string]>;

/** One sample of one series. */
export interface PromSample {
  name: string;
  labels: Labels;
  value: number;
}

/** Samples sharing a name and type (one `# TYPE` block in the text format). */
export interface PromFamily {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  samples: PromSample[];
}

/** A trend series as a native histogram (remote write only). */
export interface NativeSeries {
  name: string;
  labels: Labels;
  buckets: TrendBuckets;
  /** Sum of values in the exported unit. */
  sum: number;
}

/** Options shared by the Prometheus outputs. */
export interface PrometheusModelOptions {
  /** Name prefix (default `redline_`). */
  prefix?: string;
  /** Trend statistics exported as gauges (default `p(95)`, `p(99)`); empty for none. */
  trendStats?: readonly string[];
  /** Classic bucket bounds for time trends, in seconds (default DEFAULT_TIME_BUCKETS_SECONDS). */
  timeBuckets?: readonly number[];
  /** Also keep native (exponential) buckets per trend series. */
  nativeHistograms?: boolean;
}

/** Mapping of a run's aggregates to Prometheus series. */
export class PrometheusModel {
  readonly prefix: string;
  readonly trendStats: readonly string[];
  readonly #options: PrometheusModelOptions;
  readonly #buckets = new Map<string, TrendBuckets>();
  readonly #labels = new Map<string, Labels>();
  /** Per trend series: the labels of each `_bucket` sample (bounds, then +Inf), built once. */
  readonly #bucketLabels = new Map<string, Labels[]>();
  #base: Record<string, string> = {};
  #totals: Aggregate | undefined;
  /** Wall-clock end of the latest interval (epoch ms); 0 before the first one. */
  lastUpdateMs = 0;

  constructor(options: PrometheusModelOptions = {}) {
    this.#options = options;
    this.prefix = options.prefix ?? DEFAULT_PREFIX;
    this.trendStats = options.trendStats ?? DEFAULT_TREND_STATS;
  }

  /** Sets the labels every series carries: the test-wide tags and `testid` (tag or run id). */
  start(meta: RunMeta): void {
    const base: Record<string, string> = {};
    for (const [k, v] of Object.entries(meta.tags)) base[sanitizeLabelName(k)] = v;
    base['testid'] = meta.tags['testid'] ?? meta.runId;
    this.#base = base;
    this.#labels.clear();
    this.#bucketLabels.clear();
    this.lastUpdateMs = meta.startedAtMs;
  }

  /**
   * Grows the trend buckets with an interval's values (`delta`) and remembers the run totals.
   * Without a delta (end of run) only the consistency check runs.
   */
  update(delta: Aggregate | undefined, totals: Aggregate, wallClockEndMs: number): void {
    this.#totals = totals;
    this.lastUpdateMs = wallClockEndMs;
    if (delta) {
      for (const s of delta.series.values()) {
        if (s.type !== 'trend' || s.count === 0 || !s.histogram) continue;
        this.#bucketsOf(s, totals).add(s.histogram);
      }
    }
    for (const s of totals.series.values()) {
      if (s.type !== 'trend') continue;
      const b = this.#buckets.get(s.key);
      if (b?.count === s.count || (!b && s.count === 0)) continue;
      // Out of step (output attached late, or a shard's delta was folded elsewhere): rebuild.
      const rebuilt = this.#bucketsOf(s, totals);
      rebuilt.reset();
      if (s.histogram) rebuilt.add(s.histogram);
    }
  }

  /** Every series as families, in first-seen order (trend statistics when `stats`). */
  families(stats = true): PromFamily[] {
    const totals = this.#totals;
    if (!totals) return [];
    const families = new Map<string, PromFamily>();
    const family = (name: string, type: PromFamily['type'], help: string): PromFamily => {
      let f = families.get(name);
      if (!f) {
        f = { name, type, help, samples: [] };
        families.set(name, f);
      }
      return f;
    };
    for (const s of totals.series.values()) {
      const d = descriptorOf(totals, s);
      const names = metricNames(d, this.prefix);
      const labels = this.labelsOf(s);
      const help = helpText(d);
      const push = (name: string, type: PromFamily['type'], value: number, h = help) =>
        family(name, type, h).samples.push({ name, labels, value });
      switch (s.type) {
        case 'counter':
          push(names.main, 'counter', s.sum);
          break;
        case 'gauge':
          push(names.main, 'gauge', s.sum);
          break;
        case 'rate':
          push(names.main, 'gauge', s.count > 0 ? s.sum / s.count : 0);
          push(names.passes!, 'counter', s.sum, `${help} (non-zero values)`);
          push(names.fails!, 'counter', s.count - s.sum, `${help} (zero values)`);
          break;
        case 'trend':
          this.#trendSamples(s, d, names.main, labels, family(names.main, 'histogram', help));
          if (stats) this.#statSamples(s, d, names.statPrefix!, labels, family);
          break;
      }
    }
    return [...families.values()];
  }

  /** Trend series as native histograms (empty unless `nativeHistograms` was set). */
  nativeSeries(): NativeSeries[] {
    const totals = this.#totals;
    if (!totals || !this.#options.nativeHistograms) return [];
    const out: NativeSeries[] = [];
    for (const s of totals.series.values()) {
      const b = this.#buckets.get(s.key);
      if (s.type !== 'trend' || !b?.native) continue;
      const d = descriptorOf(totals, s);
      out.push({
        name: metricNames(d, this.prefix).main,
        labels: this.labelsOf(s),
        buckets: b,
        sum: s.sum * unitFactor(d.contains),
      });
    }
    return out;
  }

  /** The run totals as of the latest update. */
  get totals(): Aggregate | undefined {
    return this.#totals;
  }

  /** The cumulative buckets of trend series `key` (undefined before its first value). */
  buckets(key: string): TrendBuckets | undefined {
    return this.#buckets.get(key);
  }

  /** Sorted labels of a series: its tags (sanitized) over the base labels. Cached per series. */
  labelsOf(s: SeriesState): Labels {
    let labels = this.#labels.get(s.key);
    if (!labels) {
      const all: Record<string, string> = { ...this.#base };
      for (const [k, v] of Object.entries(s.tags)) all[sanitizeLabelName(k)] = v;
      labels = Object.entries(all).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      this.#labels.set(s.key, labels);
    }
    return labels;
  }

  #bucketsOf(s: SeriesState, totals: Aggregate): TrendBuckets {
    let b = this.#buckets.get(s.key);
    if (!b) {
      const d = descriptorOf(totals, s);
      const bounds =
        d.contains === 'time' && this.#options.timeBuckets
          ? this.#options.timeBuckets
          : defaultBuckets(d.contains);
      b = new TrendBuckets(bounds, unitFactor(d.contains), this.#options.nativeHistograms ?? false);
      this.#buckets.set(s.key, b);
    }
    return b;
  }

  #trendSamples(
    s: SeriesState,
    d: MetricDescriptor,
    name: string,
    labels: Labels,
    f: PromFamily,
  ): void {
    const b = this.#buckets.get(s.key);
    if (!b) return;
    let leLabels = this.#bucketLabels.get(s.key);
    if (!leLabels) {
      leLabels = [
        ...b.bounds.map((bound) => withLabel(labels, 'le', String(bound))),
        withLabel(labels, 'le', '+Inf'),
      ];
      this.#bucketLabels.set(s.key, leLabels);
    }
    const bucketName = `${name}_bucket`;
    let running = 0;
    for (let i = 0; i < b.counts.length; i++) {
      running += b.counts[i] as number;
      f.samples.push({ name: bucketName, labels: leLabels[i] as Labels, value: running });
    }
    f.samples.push({ name: `${name}_sum`, labels, value: s.sum * unitFactor(d.contains) });
    f.samples.push({ name: `${name}_count`, labels, value: b.count });
  }

  #statSamples(
    s: SeriesState,
    d: MetricDescriptor,
    prefix: string,
    labels: Labels,
    family: (name: string, type: PromFamily['type'], help: string) => PromFamily,
  ): void {
    if (this.trendStats.length === 0) return;
    const summary: MetricSummary = {
      name: s.metric,
      type: 'trend',
      contains: d.contains,
      sum: s.sum,
      count: s.count,
      min: s.min,
      max: s.max,
    };
    if (s.histogram) summary.histogram = s.histogram;
    const factor = unitFactor(d.contains);
    for (const stat of this.trendStats) {
      const value = trendStat(summary, stat);
      if (value === undefined) continue;
      const name = prefix + trendStatSuffix(stat);
      const scaled = stat === 'count' ? value : value * factor;
      family(name, 'gauge', `${stat} of ${d.name} since the run started`).samples.push({
        name,
        labels,
        value: scaled,
      });
    }
  }
}

/** The descriptor of a series' metric (falls back to the series' own type). */
function descriptorOf(totals: Aggregate, s: SeriesState): MetricDescriptor {
  return totals.descriptors.get(s.metric) ?? { name: s.metric, type: s.type, contains: 'default' };
}

/** `labels` plus one more pair, kept sorted. */
export function withLabel(labels: Labels, name: string, value: string): Labels {
  const out: Array<readonly [string, string]> = [];
  let placed = false;
  for (const pair of labels) {
    if (!placed && name < pair[0]) {
      out.push([name, value]);
      placed = true;
    }
    if (pair[0] !== name) out.push(pair);
  }
  if (!placed) out.push([name, value]);
  return out;
}
