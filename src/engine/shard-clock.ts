/**
 * A shard's interval clock and health meter: emits a report at every interval boundary of the
 * measured window (t0 + (i+1) × interval, computed from t0, never chained), and measures the
 * thread's event-loop delay for the generator-health warning.
 */
import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import type { MetricRegistry } from '../metrics/registry.js';
import type { ShardHealth, ShardReport } from './shard-report.js';

/** Converts a wall-clock epoch (ms) into this thread's performance.now() time base. */
export function epochToLocal(epochMs: number): number {
  return epochMs - performance.timeOrigin;
}

/** Drives interval snapshots of one shard's registry. */
export class ShardClock {
  readonly #registry: MetricRegistry;
  readonly #shard: number;
  readonly #t0: number;
  readonly #intervalMs: number;
  readonly #emit: (report: ShardReport) => void;
  readonly #lag: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  readonly #warnings: string[] = [];
  #interval = 0;
  #timer: NodeJS.Timeout | null = null;
  #finished = false;
  #holdLast = false;
  #endMs = Number.POSITIVE_INFINITY;
  readonly #local: boolean;

  /**
   * `local`: the reports are merged in this thread (a lone shard run by the controller's thread),
   * so their snapshots carry histogram objects instead of encoded ones (see TrendDelta).
   */
  constructor(
    registry: MetricRegistry,
    shard: number,
    t0: number,
    intervalMs: number,
    emit: (report: ShardReport) => void,
    local = false,
  ) {
    this.#local = local;
    this.#registry = registry;
    this.#shard = shard;
    this.#t0 = t0;
    this.#intervalMs = intervalMs;
    this.#emit = emit;
  }

  /** Starts ticking (the first tick is at t0 + interval). */
  start(): void {
    this.#lag.enable();
    this.#schedule();
  }

  /**
   * The measured window ends at `endMs` (ms after t0): the interval containing the end is not
   * emitted at its boundary but by the final report, so requests completing after the deadline
   * join the last interval instead of forming a tiny one of their own.
   */
  setEnd(endMs: number): void {
    this.#endMs = endMs;
  }

  /**
   * From now on, do not emit the interval in progress at its boundary: the final report will
   * carry it (used at the end of a duration-bound run, so stragglers join the last full interval).
   */
  holdCurrentInterval(): void {
    this.#holdLast = true;
  }

  /** Queues a warning for the next report (each distinct text once). */
  warn(text: string): void {
    if (!this.#warnings.includes(text)) this.#warnings.push(text);
  }

  /** Emits the final report (the interval in progress, ending now) and stops. */
  finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    if (this.#timer) clearTimeout(this.#timer);
    const now = performance.now() - this.#t0;
    const startMs = this.#interval * this.#intervalMs;
    this.#report(true, startMs, Math.max(startMs, now));
    this.#lag.disable();
  }

  #schedule(): void {
    const boundary = this.#t0 + (this.#interval + 1) * this.#intervalMs;
    this.#timer = setTimeout(() => this.#tick(), Math.max(0, boundary - performance.now()));
  }

  #tick(): void {
    if (this.#finished) return;
    if (this.#holdLast) return;
    const startMs = this.#interval * this.#intervalMs;
    if (startMs + this.#intervalMs >= this.#endMs) return;
    this.#report(false, startMs, startMs + this.#intervalMs);
    this.#interval++;
    this.#schedule();
  }

  #report(final: boolean, startMs: number, endMs: number): void {
    const snapshot = this.#registry.snapshot(
      this.#shard,
      this.#interval,
      startMs,
      endMs,
      this.#local,
    );
    const health: ShardHealth = {
      lagP99Ms: this.#lag.count > 0 ? this.#lag.percentile(99) / 1e6 : 0,
      lagMaxMs: this.#lag.count > 0 ? this.#lag.max / 1e6 : 0,
    };
    this.#lag.reset();
    const warnings = this.#warnings.splice(0, this.#warnings.length);
    this.#emit({ snapshot, health, final, warnings });
  }
}
