/** A small log-bucket latency histogram (±5 % buckets, no dependency) for the probe's route stats. */

const GROWTH = 1.1;
const MIN_MS = 0.01;
const BUCKETS = 260; // 0.01 ms × 1.1^260 ≈ 60 min
const LOG_GROWTH = Math.log(GROWTH);

/** Records latencies in ms; percentiles are accurate to one bucket (≤ 10 %, reported at bucket middle). */
export class LatencyHistogram {
  #counts = new Uint32Array(BUCKETS);
  #count = 0;
  #max = 0;

  /** Adds one value (ms). Cost: one log and an array increment. */
  record(ms: number): void {
    const index =
      ms <= MIN_MS ? 0 : Math.min(BUCKETS - 1, Math.floor(Math.log(ms / MIN_MS) / LOG_GROWTH) + 1);
    this.#counts[index] = (this.#counts[index] ?? 0) + 1;
    this.#count++;
    if (ms > this.#max) this.#max = ms;
  }

  /** The value at percentile `p` (0..100), in ms. */
  percentile(p: number): number {
    if (this.#count === 0) return 0;
    const rank = Math.ceil((p / 100) * this.#count);
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.#counts[i] ?? 0;
      if (seen >= rank) {
        if (i === 0) return Math.min(MIN_MS, this.#max);
        const low = MIN_MS * GROWTH ** (i - 1);
        return Math.min(this.#max, low * Math.sqrt(GROWTH));
      }
    }
    return this.#max;
  }

  /** Largest value recorded (exact). */
  get max(): number {
    return this.#max;
  }

  /** Number of values recorded. */
  get count(): number {
    return this.#count;
  }
}
