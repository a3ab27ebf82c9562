/**
 * HDR histograms for Trend metrics (hdr-histogram-js): creation, the exact cross-thread codec and
 * percentile queries. Values are stored as integers: a value `v` (milliseconds for time trends)
 * is recorded as `round(v * TREND_SCALE)`, i.e. microseconds, with 3 significant digits.
 */
import * as hdr from 'hdr-histogram-js';

/** Histogram type used everywhere in Redline. */
export type Histogram = hdr.Histogram;

/** Scale from a trend value to the integer stored in the histogram (ms -> µs). */
export const TREND_SCALE = 1000;

/** Significant decimal digits kept by every histogram (0.1% relative precision). */
export const SIGNIFICANT_DIGITS = 3;

/**
 * Creates an empty histogram. `interval` histograms (one second of one shard) use 32-bit counts;
 * `total` histograms (a whole run, possibly days) use 64-bit float counts so they cannot overflow.
 */
export function createHistogram(kind: 'interval' | 'total' = 'interval'): Histogram {
  return hdr.build({
    bitBucketSize: kind === 'interval' ? 32 : 64,
    autoResize: true,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 2,
    numberOfSignificantValueDigits: SIGNIFICANT_DIGITS,
    useWebAssembly: false,
  });
}

/** Encodes a histogram losslessly (HdrHistogram V2 compressed format, base64) to ship across threads. */
export function encodeHistogram(histogram: Histogram): string {
  return hdr.encodeIntoCompressedBase64(histogram);
}

/** Decodes what {@link encodeHistogram} produced. */
export function decodeHistogram(encoded: string): Histogram {
  return hdr.decodeFromCompressedBase64(encoded, 32, false);
}

/** The hdr-histogram-js internals {@link addHistogram} reads (public members of JsHistogram). */
interface JsHistogramInternals {
  autoResize: boolean;
  maxValue: number;
  minNonZeroValue: number;
  bucketCount: number;
  subBucketCount: number;
  unitMagnitude: number;
  countsArrayLength: number;
  startTimeStampMsec: number;
  endTimeStampMsec: number;
  highestEquivalentValue(value: number): number;
  valueFromIndex(index: number): number;
  countsArrayIndex(value: number): number;
  getCountAtIndex(index: number): number;
  addToCountAtIndex(index: number, value: number): void;
  addToTotalCount(value: number): void;
  updateMinAndMax(value: number): void;
  resize(value: number): void;
}

/**
 * `target.add(source)`, leaving `target` in exactly the state the library's `add` would. The
 * library adds bucket by bucket when both have the same bucket count; otherwise (the usual case
 * when merging a snapshot into a run total: each is sized by its own values) it records each
 * non-zero bucket by value, computing the value and its bucket index again per bucket, ~50 % of
 * the per-second merge in a micro-benchmark (bench/micro/snapshot-merge.bench.mjs). Redline's
 * histograms all share one sub-bucket layout (lowest value 1, 3 digits), where a bucket's index
 * is the same in both, so that path becomes a plain walk here; the tracking values (total, min,
 * max, time stamps) are updated as the library's per-value recording would. Anything else goes to
 * the library.
 */
export function addHistogram(target: Histogram, source: Histogram): void {
  const t = target as unknown as JsHistogramInternals;
  const o = source as unknown as JsHistogramInternals;
  if (
    !(target instanceof hdr.JsHistogram) ||
    !(source instanceof hdr.JsHistogram) ||
    t.subBucketCount !== o.subBucketCount ||
    t.unitMagnitude !== o.unitMagnitude ||
    t.bucketCount === o.bucketCount
  ) {
    target.add(source);
    return;
  }
  // As the library: grow to hold the source's maximum first.
  if (t.highestEquivalentValue(t.valueFromIndex(t.countsArrayLength - 1)) < o.maxValue) {
    if (!t.autoResize) {
      target.add(source); // the library's error
      return;
    }
    t.resize(o.maxValue);
    if (t.bucketCount === o.bucketCount) {
      target.add(source);
      return;
    }
  }
  // The library's per-value path: the maximum's bucket first (recorded even when empty), then
  // every non-zero bucket below it; same layout, so each lands at its own index.
  const maxIndex = o.countsArrayIndex(o.maxValue);
  const top = o.getCountAtIndex(maxIndex);
  t.addToCountAtIndex(maxIndex, top);
  t.updateMinAndMax(o.valueFromIndex(maxIndex));
  let total = top;
  let lowest = -1;
  for (let index = 0; index < maxIndex; index++) {
    const count = o.getCountAtIndex(index);
    if (count > 0) {
      t.addToCountAtIndex(index, count);
      total += count;
      // Index 0 holds value 0, which never moves the minimum (the library skips zero).
      if (lowest < 0 && index > 0) lowest = index;
    }
  }
  // Recording values in increasing order moves the minimum at most once: to the lowest one.
  if (lowest >= 0) t.updateMinAndMax(o.valueFromIndex(lowest));
  t.addToTotalCount(total);
  t.startTimeStampMsec = Math.min(t.startTimeStampMsec, o.startTimeStampMsec);
  t.endTimeStampMsec = Math.max(t.endTimeStampMsec, o.endTimeStampMsec);
}

/**
 * Value at percentile `p` (0..100) in trend units (e.g. ms). HDR returns the highest value
 * equivalent to the bucket, so results are within 0.1% of the recorded value.
 */
export function percentile(histogram: Histogram, p: number): number {
  if (histogram.totalCount === 0) return 0;
  return histogram.getValueAtPercentile(p) / TREND_SCALE;
}
