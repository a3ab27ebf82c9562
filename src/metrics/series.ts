/**
 * Series: the recording side of metrics, one object per (metric, tags). Hot-path callers keep a
 * reference to the series they write to, so recording is a few additions with no lookup and no
 * allocation; `drain()` turns the interval's changes into a {@link SeriesDelta} and resets.
 */
import { FastRecorder } from './fast-recorder.js';
import { TREND_SCALE } from './histogram.js';
import type { MetricDescriptor, Tags } from './metric-types.js';
import type { CounterDelta, GaugeDelta, RateDelta, SeriesDelta, TrendDelta } from './snapshot.js';

/** Common shape of the four series kinds. */
export interface Series {
  readonly descriptor: MetricDescriptor;
  readonly key: string;
  readonly tags: Tags;
  /** Adds one sample (meaning depends on the kind; see each class). */
  add(value: number): void;
  /** True when something was recorded since the last drain. */
  readonly dirty: boolean;
  /**
   * Returns the interval's change and resets the interval state. `local`: the delta stays in this
   * thread (trends then hand over their histogram unencoded; see TrendDelta).
   */
  drain(local?: boolean): SeriesDelta;
}

/** Counter: a sum of added values (`http_reqs`, `data_sent`). */
export class CounterSeries implements Series {
  sum = 0;
  dirty = false;
  constructor(
    readonly descriptor: MetricDescriptor,
    readonly key: string,
    readonly tags: Tags,
  ) {}
  add(value: number): void {
    this.sum += value;
    this.dirty = true;
  }
  drain(): CounterDelta {
    const delta: CounterDelta = { type: 'counter', sum: this.sum };
    this.sum = 0;
    this.dirty = false;
    return delta;
  }
}

/** Gauge: the last value written, with the interval's min and max (`vus`). */
export class GaugeSeries implements Series {
  value = 0;
  #min = Number.POSITIVE_INFINITY;
  #max = Number.NEGATIVE_INFINITY;
  #at = 0;
  dirty = false;
  constructor(
    readonly descriptor: MetricDescriptor,
    readonly key: string,
    readonly tags: Tags,
    private readonly clock: () => number,
  ) {}
  add(value: number): void {
    this.value = value;
    if (value < this.#min) this.#min = value;
    if (value > this.#max) this.#max = value;
    this.#at = this.clock();
    this.dirty = true;
  }
  drain(): GaugeDelta {
    const seen = this.#min <= this.#max;
    const delta: GaugeDelta = {
      type: 'gauge',
      value: this.value,
      min: seen ? this.#min : this.value,
      max: seen ? this.#max : this.value,
      at: this.#at,
    };
    // A gauge keeps its value across intervals; min/max restart from it.
    this.#min = this.value;
    this.#max = this.value;
    this.dirty = false;
    return delta;
  }
}

/** Rate: the share of added values that are non-zero (`http_req_failed`, `checks`). */
export class RateSeries implements Series {
  passes = 0;
  total = 0;
  dirty = false;
  constructor(
    readonly descriptor: MetricDescriptor,
    readonly key: string,
    readonly tags: Tags,
  ) {}
  add(value: number): void {
    if (value !== 0) this.passes++;
    this.total++;
    this.dirty = true;
  }
  /** Records `passes` non-zero values out of `total` at once. */
  addMany(passes: number, total: number): void {
    this.passes += passes;
    this.total += total;
    this.dirty = true;
  }
  drain(): RateDelta {
    const delta: RateDelta = { type: 'rate', passes: this.passes, total: this.total };
    this.passes = 0;
    this.total = 0;
    this.dirty = false;
    return delta;
  }
}

/**
 * Trend: a distribution. `add(v)` takes trend units (ms for time trends); the hot path uses
 * `addMicros(us)` with an integer already scaled by TREND_SCALE, which skips the float rounding.
 * Exact count, sum, min and max are kept beside the histogram; negative values are counted in
 * sum/min/max but recorded as 0 in the histogram (HDR holds non-negative values only).
 */
export class TrendSeries implements Series {
  #recorder = new FastRecorder();
  #count = 0;
  /** Zeros given to `addMicros` since the last drain (not yet in `#count` nor the recorder). */
  #zeros = 0;
  #sumMicros = 0;
  #sumFloat = 0;
  #minMicros = Number.POSITIVE_INFINITY;
  #maxMicros = Number.NEGATIVE_INFINITY;
  constructor(
    readonly descriptor: MetricDescriptor,
    readonly key: string,
    readonly tags: Tags,
  ) {}
  get dirty(): boolean {
    return this.#count > 0 || this.#zeros > 0;
  }
  add(value: number): void {
    this.#count++;
    this.#sumFloat += value;
    const scaled = value * TREND_SCALE;
    if (scaled < this.#minMicros) this.#minMicros = scaled;
    if (scaled > this.#maxMicros) this.#maxMicros = scaled;
    this.#recorder.record(scaled > 0 ? Math.round(scaled) : 0);
  }
  /** Hot path: records a non-negative integer number of micro-units (µs for time trends). */
  addMicros(micros: number): void {
    if (micros === 0) {
      // Most requests on a reused connection record 0 for connecting, tls_handshaking and
      // receiving: counted here, handed to the histogram at the drain.
      this.#zeros++;
      return;
    }
    this.#count++;
    this.#sumMicros += micros;
    if (micros < this.#minMicros) this.#minMicros = micros;
    if (micros > this.#maxMicros) this.#maxMicros = micros;
    this.#recorder.record(micros);
  }
  drain(local = false): TrendDelta {
    if (this.#zeros > 0) {
      this.#recorder.recordZeros(this.#zeros);
      this.#count += this.#zeros;
      if (this.#minMicros > 0) this.#minMicros = 0;
      if (this.#maxMicros < 0) this.#maxMicros = 0;
      this.#zeros = 0;
    }
    const histogram = local ? this.#recorder.takeHistogram() : this.#recorder.encodeAndReset();
    const delta: TrendDelta = {
      type: 'trend',
      count: this.#count,
      sum: this.#sumFloat + this.#sumMicros / TREND_SCALE,
      min: this.#count > 0 ? this.#minMicros / TREND_SCALE : 0,
      max: this.#count > 0 ? this.#maxMicros / TREND_SCALE : 0,
      histogram,
    };
    this.#count = 0;
    this.#sumMicros = 0;
    this.#sumFloat = 0;
    this.#minMicros = Number.POSITIVE_INFINITY;
    this.#maxMicros = Number.NEGATIVE_INFINITY;
    return delta;
  }
}
