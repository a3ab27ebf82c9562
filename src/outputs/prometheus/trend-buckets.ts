/**
 * TrendBuckets: the cumulative classic (and optionally native, exponential) bucket counts of one
 * trend series, grown each interval from that interval's HDR histogram.
 *
 * Walk cost per interval: O(HDR slots between the interval's min and max + boundaries); each
 * non-empty HDR slot is classified once, by its lowest equivalent value: a value exactly on a
 * boundary counts as `le` that boundary, and one up to 0.1% above it (HDR precision) may too.
 *
 *   HDR slots (µs)   |..3..|.....7.....|..1..|        (non-empty slots, ascending)
 *   classic bounds   0.005 s      0.01 s       +Inf   (pointer only moves forward)
 *   native buckets   index = ceil(log2(x) * 2^schema)  (sparse map index -> count)
 */
import * as hdr from 'hdr-histogram-js';
import type { Histogram } from '../../metrics/histogram.js';
import { TREND_SCALE } from '../../metrics/histogram.js';

/** Native histogram schema used for exponential buckets: 3 = growth factor 2^(1/8) ≈ 1.09. */
export const NATIVE_SCHEMA = 3;

/** Cumulative buckets of one trend series, in the exported unit (seconds for time trends). */
export class TrendBuckets {
  /** Upper bounds (inclusive), ascending; the implicit last bucket is +Inf. */
  readonly bounds: readonly number[];
  /** Non-cumulative count per bucket; `counts.length === bounds.length + 1`. */
  readonly counts: Float64Array;
  /** Values added (all buckets). */
  count = 0;
  /** Native buckets (index -> count) when enabled; values equal to 0 go to `zeroCount`. */
  readonly native: Map<number, number> | undefined;
  zeroCount = 0;
  readonly #toUnit: number;
  #nativeIndex = 0;
  #nativeUpper = Number.NEGATIVE_INFINITY;

  /**
   * `unitFactor` converts a trend value (ms for time trends) into the exported unit; `native`
   * also keeps exponential buckets (schema {@link NATIVE_SCHEMA}).
   */
  constructor(bounds: readonly number[], unitFactor: number, native = false) {
    this.bounds = bounds;
    this.counts = new Float64Array(bounds.length + 1);
    this.native = native ? new Map() : undefined;
    this.#toUnit = unitFactor / TREND_SCALE;
  }

  /** Adds every value of `histogram` (values scaled by TREND_SCALE, as in metrics/histogram.ts). */
  add(histogram: Histogram): void {
    if (histogram.totalCount === 0) return;
    if (!(histogram instanceof hdr.JsHistogram)) {
      // metrics/histogram.ts always builds JS histograms (useWebAssembly: false).
      throw new Error('TrendBuckets needs a JS HDR histogram');
    }
    const h = histogram;
    this.#nativeUpper = Number.NEGATIVE_INFINITY;
    const zero = h.getCountAtIndex(0);
    if (zero > 0) this.#addValue(0, zero, 0);
    if (h.minNonZeroValue > h.maxValue) return;
    const first = Math.max(1, h.countsArrayIndex(h.minNonZeroValue));
    const last = Math.min(h.countsArrayLength - 1, h.countsArrayIndex(h.maxValue));
    let bucket = 0;
    for (let i = first; i <= last; i++) {
      const c = h.getCountAtIndex(i);
      if (c === 0) continue;
      const x = h.valueFromIndex(i) * this.#toUnit;
      bucket = this.#addValue(x, c, bucket);
    }
  }

  /** Clears every count (used to rebuild from run totals when a series got out of step). */
  reset(): void {
    this.counts.fill(0);
    this.count = 0;
    this.zeroCount = 0;
    this.native?.clear();
  }

  /** Cumulative counts per bound, then +Inf (what `_bucket{le}` samples carry). */
  cumulative(): number[] {
    const out = new Array<number>(this.counts.length);
    let running = 0;
    for (let i = 0; i < this.counts.length; i++) {
      running += this.counts[i] as number;
      out[i] = running;
    }
    return out;
  }

  #addValue(x: number, c: number, from: number): number {
    let bucket = from;
    const bounds = this.bounds;
    while (bucket < bounds.length && x > (bounds[bucket] as number)) bucket++;
    this.counts[bucket] = (this.counts[bucket] as number) + c;
    this.count += c;
    if (this.native) {
      if (x <= 0) this.zeroCount += c;
      else {
        // Values arrive in ascending order: recompute the native index only past its upper bound.
        if (x > this.#nativeUpper) {
          this.#nativeIndex = nativeBucketIndex(x, NATIVE_SCHEMA);
          this.#nativeUpper = 2 ** (this.#nativeIndex / 2 ** NATIVE_SCHEMA);
        }
        this.native.set(this.#nativeIndex, (this.native.get(this.#nativeIndex) ?? 0) + c);
      }
    }
    return bucket;
  }
}

/**
 * Index of the native (exponential) bucket holding `x` > 0 for `schema`: bucket `i` covers
 * (2^((i-1)/2^schema), 2^(i/2^schema)], upper bound inclusive as in Prometheus.
 */
export function nativeBucketIndex(x: number, schema: number): number {
  const scale = 2 ** schema;
  let index = Math.ceil(Math.log2(x) * scale) + 0; // + 0 turns -0 into 0
  // Correct floating-point error at exact boundaries.
  if (2 ** ((index - 1) / scale) >= x) index--;
  else if (2 ** (index / scale) < x) index++;
  return index;
}
