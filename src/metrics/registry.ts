/**
 * MetricRegistry: a shard's set of series. Callers get a series once (by metric and tags) and
 * keep it; `snapshot()` drains every series that changed into one {@link Snapshot}.
 */

import { ExitCode } from '../errors/exit-codes.js';
import { RedlineError } from '../errors/redline-error.js';
import { redactTags } from '../util/redact.js';
import {
  METRIC_NAME_PATTERN,
  type MetricDescriptor,
  type MetricType,
  seriesKey,
  type Tags,
  type ValueContains,
} from './metric-types.js';
import { CounterSeries, GaugeSeries, RateSeries, type Series, TrendSeries } from './series.js';
import type { SeriesSnapshot, Snapshot } from './snapshot.js';

const EMPTY_TAGS: Tags = Object.freeze({});
/** Bound of the raw-key alias map (URLs with a different token each time must not grow it forever). */
const MAX_ALIASES = 4096;

/** Records the metrics of one shard and produces its per-interval snapshots. */
export class MetricRegistry {
  readonly #descriptors = new Map<string, MetricDescriptor>();
  readonly #unsent: MetricDescriptor[] = [];
  readonly #series = new Map<string, Series>();
  /** Raw key (with a secret) -> its redacted series, so repeated lookups skip the redaction. */
  readonly #redactedAliases = new Map<string, Series>();
  readonly #clock: () => number;

  /** `clock` returns ms since the run started (used to order gauge writes across shards). */
  constructor(clock: () => number = () => performance.now()) {
    this.#clock = clock;
  }

  /**
   * Declares a metric (idempotent). Throws when the name is invalid or already declared with
   * another kind, as k6 does for custom metrics.
   */
  define(descriptor: MetricDescriptor): MetricDescriptor {
    const known = this.#descriptors.get(descriptor.name);
    if (known) {
      if (known.type !== descriptor.type) {
        throw new RedlineError(
          'E_METRIC_KIND_CONFLICT',
          `metric "${descriptor.name}" is already a ${known.type}, it cannot also be a ${descriptor.type}`,
          { hint: 'give the new metric another name', exitCode: ExitCode.ScriptException },
        );
      }
      return known;
    }
    if (!METRIC_NAME_PATTERN.test(descriptor.name)) {
      throw new RedlineError('E_METRIC_NAME', `invalid metric name "${descriptor.name}"`, {
        hint: 'use letters, digits and underscores (1-128 characters), not starting with a digit',
        exitCode: ExitCode.ScriptException,
      });
    }
    this.#descriptors.set(descriptor.name, descriptor);
    this.#unsent.push(descriptor);
    return descriptor;
  }

  /** Every declared metric. */
  descriptors(): MetricDescriptor[] {
    return [...this.#descriptors.values()];
  }

  /** The descriptor of a declared metric. */
  descriptor(name: string): MetricDescriptor | undefined {
    return this.#descriptors.get(name);
  }

  /** Gets (or creates) the counter series of `metric` with `tags`. */
  counter(metric: string | MetricDescriptor, tags?: Tags, contains?: ValueContains): CounterSeries {
    return this.#get(metric, 'counter', tags, contains) as CounterSeries;
  }
  /** Gets (or creates) the gauge series of `metric` with `tags`. */
  gauge(metric: string | MetricDescriptor, tags?: Tags, contains?: ValueContains): GaugeSeries {
    return this.#get(metric, 'gauge', tags, contains) as GaugeSeries;
  }
  /** Gets (or creates) the rate series of `metric` with `tags`. */
  rate(metric: string | MetricDescriptor, tags?: Tags): RateSeries {
    return this.#get(metric, 'rate', tags, 'default') as RateSeries;
  }
  /** Gets (or creates) the trend series of `metric` with `tags`. */
  trend(metric: string | MetricDescriptor, tags?: Tags, contains?: ValueContains): TrendSeries {
    return this.#get(metric, 'trend', tags, contains) as TrendSeries;
  }

  /**
   * Drains every changed series (and every gauge) into a snapshot for `interval`. `local`: the
   * snapshot is merged in this thread and goes nowhere else (no structured clone, no JSON), so
   * trend histograms are handed over as histogram objects instead of encoded (see TrendDelta).
   */
  snapshot(
    shard: number,
    interval: number,
    startMs: number,
    endMs: number,
    local = false,
  ): Snapshot {
    const series: SeriesSnapshot[] = [];
    for (const s of this.#series.values()) {
      if (!s.dirty && s.descriptor.type !== 'gauge') continue;
      series.push({ key: s.key, metric: s.descriptor.name, tags: s.tags, delta: s.drain(local) });
    }
    const metrics = this.#unsent.splice(0, this.#unsent.length);
    return { shard, interval, startMs, endMs, metrics, series };
  }

  /** Drops everything recorded so far (warm-up), keeping declared metrics and gauge values. */
  discard(): void {
    // Local drains: nothing is encoded for a delta that is thrown away.
    for (const s of this.#series.values())
      if (s.dirty && s.descriptor.type !== 'gauge') s.drain(true);
  }

  #get(
    metric: string | MetricDescriptor,
    type: MetricType,
    tags: Tags | undefined,
    contains: ValueContains | undefined,
  ): Series {
    const descriptor =
      typeof metric === 'string'
        ? (this.#descriptors.get(metric) ??
          this.define({ name: metric, type, contains: contains ?? 'default' }))
        : this.define(metric);
    if (descriptor.type !== type) {
      throw new RedlineError(
        'E_METRIC_KIND_CONFLICT',
        `metric "${descriptor.name}" is a ${descriptor.type}, not a ${type}`,
        {
          exitCode: ExitCode.ScriptException,
        },
      );
    }
    const rawTags = tags ?? EMPTY_TAGS;
    const rawKey = seriesKey(descriptor.name, rawTags);
    let series = this.#series.get(rawKey) ?? this.#redactedAliases.get(rawKey);
    if (!series) {
      // Secrets are redacted here, once per series, where every tag of every metric is born:
      // each output (CSV, NDJSON, Prometheus labels, remote write, OTLP, dashboard, summary,
      // JSON result, handleSummary data) reads series tags from snapshots made here, so no
      // output, present or future, can see a URL's token or a secret tag value. Redacting at
      // each output boundary instead would rely on every new output remembering to do it.
      // Series whose tags differ only by a secret merge into one (fewer series, same totals).
      const safeTags = redactTags(rawTags);
      const key = safeTags === rawTags ? rawKey : seriesKey(descriptor.name, safeTags);
      series = this.#series.get(key);
      if (!series) {
        const ownTags = Object.freeze({ ...safeTags });
        series =
          type === 'counter'
            ? new CounterSeries(descriptor, key, ownTags)
            : type === 'gauge'
              ? new GaugeSeries(descriptor, key, ownTags, this.#clock)
              : type === 'rate'
                ? new RateSeries(descriptor, key, ownTags)
                : new TrendSeries(descriptor, key, ownTags);
        this.#series.set(key, series);
      }
      if (key !== rawKey) {
        if (this.#redactedAliases.size >= MAX_ALIASES) this.#redactedAliases.clear();
        this.#redactedAliases.set(rawKey, series);
      }
    }
    return series;
  }
}
