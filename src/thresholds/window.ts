/**
 * Sliding windows for thresholds (Redline extension, k6#2379): a ring of the last N per-interval
 * summaries of one metric key, merged on demand. Keeping summaries of the few keys thresholds use,
 * rather than whole interval Aggregates, makes a merge N histogram additions for that key only.
 *
 * ```
 *   interval:   … | i-3 | i-2 | i-1 |  i  |      push(i) drops the oldest beyond `capacity`
 *   window 3 s:         └─────────────────┘      merge(3000) adds the last ceil(3000/interval)
 * ```
 */
import type { Aggregate, MetricSummary } from '../metrics/aggregate.js';
import type { Tags } from '../metrics/metric-types.js';
import { mergeSummaries } from './observe.js';

interface Slot {
  summary: MetricSummary | undefined;
  spanMs: number;
}

/** The windowed view of one metric key. */
export interface WindowView {
  /** Merged summary of the window, undefined when no interval of it had a series. */
  summary: MetricSummary | undefined;
  /** Time the merged intervals cover, ms. */
  spanMs: number;
  /** True once the run is at least as long as the window. */
  full: boolean;
}

/** Ring of per-interval summaries of one metric key (`name` + optional tag filter). */
export class WindowRing {
  readonly #name: string;
  readonly #tags: Tags | undefined;
  readonly #slots: Slot[] = [];
  #capacity: number;

  constructor(name: string, tags: Tags | undefined, capacity: number) {
    this.#name = name;
    this.#tags = tags;
    this.#capacity = Math.max(1, capacity);
  }

  /** Grows the ring to hold at least `capacity` intervals. */
  ensureCapacity(capacity: number): void {
    if (capacity > this.#capacity) this.#capacity = capacity;
  }

  /** Records one interval's delta (O(series of the delta) for the summarize, O(1) amortised push). */
  push(delta: Aggregate, spanMs: number): void {
    this.#slots.push({ summary: delta.summarize(this.#name, this.#tags), spanMs });
    if (this.#slots.length > this.#capacity)
      this.#slots.splice(0, this.#slots.length - this.#capacity);
  }

  /** Merges the intervals covering the last `windowMs`. */
  view(windowMs: number): WindowView {
    const parts: MetricSummary[] = [];
    let spanMs = 0;
    let i = this.#slots.length - 1;
    for (; i >= 0 && spanMs < windowMs - 0.5; i--) {
      const slot = this.#slots[i] as Slot;
      spanMs += slot.spanMs;
      if (slot.summary) parts.push(slot.summary);
    }
    parts.reverse();
    return { summary: mergeSummaries(parts), spanMs, full: spanMs >= windowMs - 0.5 };
  }
}
