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

/**
 * Value at percentile `p` (0..100) in trend units (e.g. ms). HDR returns the highest value
 * equivalent to the bucket, so results are within 0.1% of the recorded value.
 */
export function percentile(histogram: Histogram, p: number): number {
  if (histogram.totalCount === 0) return 0;
  return histogram.getValueAtPercentile(p) / TREND_SCALE;
}
