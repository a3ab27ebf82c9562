/**
 * Merges shard reports into one delta per interval, in order. Interval i is complete when every
 * shard has reported it or has finished; a shard's final report may carry a longer last interval
 * (stragglers after the deadline) and ends its participation.
 */
import { Aggregate } from '../metrics/aggregate.js';
import type { MetricDescriptor } from '../metrics/metric-types.js';
import type { ShardHealth, ShardReport } from './shard-report.js';

/** One merged interval. */
export interface MergedInterval {
  interval: number;
  startMs: number;
  endMs: number;
  delta: Aggregate;
  health: ShardHealth[];
  warnings: string[];
}

interface Pending {
  delta: Aggregate;
  startMs: number;
  endMs: number;
  health: ShardHealth[];
  warnings: string[];
}

/** Collects shard reports; calls `onMerged` for each completed interval in order. */
export class IntervalMerger {
  readonly #lastReported: number[];
  readonly #finished: boolean[];
  readonly #pending = new Map<number, Pending>();
  readonly #onMerged: (merged: MergedInterval) => void;
  /** Metric descriptors seen so far (each shard sends them once; later intervals need them too). */
  readonly #descriptors = new Map<string, MetricDescriptor>();
  #next = 0;

  constructor(shards: number, onMerged: (merged: MergedInterval) => void) {
    this.#lastReported = new Array(shards).fill(-1);
    this.#finished = new Array(shards).fill(false);
    this.#onMerged = onMerged;
  }

  /** True once every shard sent its final report. */
  get allFinished(): boolean {
    return this.#finished.every(Boolean);
  }

  /** Adds a report; emits every interval it completes. */
  add(report: ShardReport): void {
    const { snapshot } = report;
    const shard = snapshot.shard;
    for (const d of snapshot.metrics)
      if (!this.#descriptors.has(d.name)) this.#descriptors.set(d.name, d);
    if (snapshot.interval >= 0) {
      let pending = this.#pending.get(snapshot.interval);
      if (!pending) {
        const delta = new Aggregate(this.#lastReported.length);
        for (const [name, d] of this.#descriptors) delta.descriptors.set(name, d);
        pending = {
          delta,
          startMs: snapshot.startMs,
          endMs: snapshot.endMs,
          health: [],
          warnings: [],
        };
        this.#pending.set(snapshot.interval, pending);
      }
      for (const d of snapshot.metrics)
        if (!pending.delta.descriptors.has(d.name)) pending.delta.descriptors.set(d.name, d);
      pending.delta.addSnapshot(snapshot);
      pending.endMs = Math.max(pending.endMs, snapshot.endMs);
      pending.health.push(report.health);
      pending.warnings.push(...report.warnings);
      this.#lastReported[shard] = Math.max(this.#lastReported[shard] ?? -1, snapshot.interval);
    } else if (report.warnings.length > 0) {
      const target = this.#pending.get(this.#next) ?? this.#ensure(this.#next);
      target.warnings.push(...report.warnings);
    }
    if (report.final) this.#finished[shard] = true;
    this.#flush();
  }

  #ensure(interval: number): Pending {
    const delta = new Aggregate(this.#lastReported.length);
    for (const [name, d] of this.#descriptors) delta.descriptors.set(name, d);
    const pending = {
      delta,
      startMs: interval * 1000,
      endMs: interval * 1000,
      health: [],
      warnings: [],
    };
    this.#pending.set(interval, pending);
    return pending;
  }

  #ready(interval: number): boolean {
    for (let s = 0; s < this.#finished.length; s++) {
      if (!this.#finished[s] && (this.#lastReported[s] ?? -1) < interval) return false;
    }
    return true;
  }

  #flush(): void {
    for (;;) {
      const pending = this.#pending.get(this.#next);
      if (!pending) {
        // Every shard finished before reaching this interval: nothing more will come.
        if (this.allFinished && this.#pending.size > 0) {
          this.#next = Math.min(...this.#pending.keys());
          continue;
        }
        return;
      }
      if (!this.#ready(this.#next)) return;
      this.#pending.delete(this.#next);
      this.#onMerged({ interval: this.#next, ...pending });
      this.#next++;
    }
  }
}
