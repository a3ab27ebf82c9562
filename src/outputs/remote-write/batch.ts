/**
 * Batching for remote write: each interval becomes a frame of samples (and native histograms);
 * a push groups the frames' samples by series, in time order, and splits them into requests.
 */
import { type Labels, type NativeSeries, type PromFamily, withLabel } from '../prometheus/model.js';
import { NATIVE_SCHEMA } from '../prometheus/trend-buckets.js';
import { toSpansAndDeltas, type WireHistogram, type WireLabel, type WireSeries } from './encode.js';

/** One interval's values. */
export interface Frame {
  timestamp: number;
  families: PromFamily[];
  natives: Array<{ name: string; labels: Labels; histogram: WireHistogram }>;
}

/** Captures the native histograms of `series` at `timestamp` (copies counts: buckets keep growing). */
export function captureNatives(
  series: readonly NativeSeries[],
  timestamp: number,
): Frame['natives'] {
  return series.map((s) => {
    const { spans, deltas } = toSpansAndDeltas(s.buckets.native ?? new Map());
    return {
      name: s.name,
      labels: s.labels,
      histogram: {
        count: s.buckets.count,
        sum: s.sum,
        schema: NATIVE_SCHEMA,
        zeroThreshold: 0,
        zeroCount: s.buckets.zeroCount,
        positiveSpans: spans,
        positiveDeltas: deltas,
        timestamp,
      },
    };
  });
}

/** Wire labels: `__name__` plus the sorted labels, all sorted by name. */
export function wireLabels(name: string, labels: Labels): WireLabel[] {
  return withLabel(labels, '__name__', name).map(([n, value]) => ({ name: n, value }));
}

const labelKeys = new WeakMap<Labels, string>();

/** Identity of a series; label arrays are cached by the model, so their text is built once. */
function seriesKey(name: string, labels: Labels): string {
  let text = labelKeys.get(labels);
  if (text === undefined) {
    text = '';
    for (const [k, v] of labels) text += `\u0000${k}\u0001${v}`;
    labelKeys.set(labels, text);
  }
  return name + text;
}

/** Float-sample series of `frames`, grouped by series with samples in time order. */
export function groupSamples(frames: readonly Frame[]): WireSeries[] {
  const byKey = new Map<
    string,
    WireSeries & { samples: Array<{ value: number; timestamp: number }> }
  >();
  for (const frame of frames) {
    for (const family of frame.families) {
      for (const s of family.samples) {
        const key = seriesKey(s.name, s.labels);
        let series = byKey.get(key);
        if (!series) {
          series = { labels: wireLabels(s.name, s.labels), samples: [] };
          byKey.set(key, series);
        }
        series.samples.push({ value: s.value, timestamp: frame.timestamp });
      }
    }
  }
  return [...byKey.values()];
}

/** Native histogram series of `frames`, grouped by series in time order. */
export function groupNatives(frames: readonly Frame[]): WireSeries[] {
  const byKey = new Map<string, WireSeries & { histograms: WireHistogram[] }>();
  for (const frame of frames) {
    for (const n of frame.natives) {
      const key = seriesKey(n.name, n.labels);
      let series = byKey.get(key);
      if (!series) {
        series = { labels: wireLabels(n.name, n.labels), histograms: [] };
        byKey.set(key, series);
      }
      series.histograms.push(n.histogram);
    }
  }
  return [...byKey.values()];
}

/** Splits series into chunks of at most `size` series. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
