/**
 * Snapshot: what a shard ships once per interval (1 s): the change of every series since the
 * previous snapshot. Plain data (structured-clone safe), so it crosses worker threads, processes
 * and files unchanged; histograms travel HDR-encoded, so merging shards is exact.
 */
import type { Histogram } from './histogram.js';
import type { MetricDescriptor, Tags } from './metric-types.js';

/** Change of a counter during the interval. */
export interface CounterDelta {
  type: 'counter';
  sum: number;
}

/** State of a gauge at the end of the interval (min/max over the interval). */
export interface GaugeDelta {
  type: 'gauge';
  value: number;
  min: number;
  max: number;
  /** When the value was last written, in ms since the run started (orders `last` merges). */
  at: number;
}

/** Change of a rate during the interval: how many non-zero values out of how many. */
export interface RateDelta {
  type: 'rate';
  passes: number;
  total: number;
}

/**
 * Change of a trend during the interval. `histogram` is HDR-encoded (see histogram.ts), except in
 * a snapshot that never leaves its thread (`MetricRegistry.snapshot` with `local`: one shard in
 * the controller's thread), which carries the histogram the encoded form decodes to, built
 * without the encode/decode round trip (FastRecorder.takeHistogram).
 */
export interface TrendDelta {
  type: 'trend';
  count: number;
  sum: number;
  min: number;
  max: number;
  histogram: string | Histogram;
}

/** Change of one metric kind during one interval. */
export type SeriesDelta = CounterDelta | GaugeDelta | RateDelta | TrendDelta;

/** One series (metric + tags) in a snapshot. */
export interface SeriesSnapshot {
  key: string;
  metric: string;
  tags: Tags;
  delta: SeriesDelta;
}

/** Everything one shard measured during one interval. */
export interface Snapshot {
  /** Which shard sent it (0-based). */
  shard: number;
  /** Interval number since the run started (0-based); interval i covers [i, i+1) × intervalMs. */
  interval: number;
  /** Interval start and end, in ms since the run started. */
  startMs: number;
  endMs: number;
  /** Descriptors of metrics first seen in this snapshot (each is sent once per shard). */
  metrics: MetricDescriptor[];
  series: SeriesSnapshot[];
}
