/** The service signals captured next to the profiles: event-loop delay, GC pauses, CPU, memory. */

/** GC kinds as Node's PerformanceObserver reports them. */
export type GcKind = 'minor' | 'major' | 'incremental' | 'weakcb' | 'unknown';

/** One GC pause (times in ms, relative to the start of the capture window). */
export interface GcEvent {
  startMs: number;
  durationMs: number;
  kind: GcKind;
  /** True for collections forced from outside (the profiler's own heap checks). */
  forced?: boolean;
}

/** One periodic sample of the target process. */
export interface ProcessSample {
  /** Time since the start of the window (ms). */
  tMs: number;
  /** CPU used since the previous sample, as a fraction of one core (all threads; may exceed 1). */
  cpu: number;
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  /** Event-loop utilisation since the previous sample (0..1). */
  elu: number;
  /** Timer lateness of this sample (ms): clinic doctor's event-loop delay measure. */
  delayMs: number;
  /** Active handles (sockets, timers...), when the runtime exposes them. */
  handles?: number;
  /**
   * Time (ms) the main thread waited on a run queue since the previous sample: the machine had no
   * CPU for it (Linux schedstat; absent elsewhere).
   */
  runQueueMs?: number;
  /** CPU time (ms) of the main thread alone since the previous sample (Linux schedstat). */
  threadCpuMs?: number;
}

/**
 * The loop's own delay: each 20 ms stall-timer tick's lateness minus the time the main thread
 * waited for a CPU in that tick, in ms.
 */
export interface OwnLoopDelay {
  p50Ms: number;
  p90Ms: number;
  maxMs: number;
  /** Ticks measured. */
  count: number;
}

/** Event-loop delay histogram summary (the spans between the in-target sampler's ticks), in ms. */
export interface EventLoopDelay {
  minMs: number;
  maxMs: number;
  meanMs: number;
  stddevMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  /** Number of delay measurements. */
  count: number;
}

/**
 * One interval in which the event loop ran late (a 20 ms timer that fired ≥ 20 ms late), times
 * in ms relative to the window's start.
 */
export interface LoopStall {
  startMs: number;
  /** The whole interval, from the timer's previous firing to this late one. */
  spanMs: number;
  /** How late the timer fired: the interval's length minus the timer period. */
  lateMs: number;
  /**
   * Time the main thread waited for a CPU during the interval (Linux schedstat run-queue delay):
   * the machine's doing, not the loop's. Absent where the kernel does not expose it.
   */
  runQueueMs?: number;
}

/**
 * One stall tick of the main thread: [ms since the window's start at the tick, cumulative
 * run-queue wait (ms), the tick's span (ms), the thread's CPU time in the tick (ms, absent from
 * older captures), the longest run-queue wait of any other thread of the process in the tick
 * (ms: V8's platform workers, libuv's pool; absent from older captures)].
 */
export type RunQueueMark = readonly [number, number, number, number?, number?];

/** Old-generation bytes right after a full GC (what the heap retains). */
export interface HeapPoint {
  tMs: number;
  usedBytes: number;
}

/** Everything measured in the target during the capture window. */
export interface ServiceSignals {
  durationMs: number;
  sampleIntervalMs: number;
  /** Event-loop delay beyond the histogram's timer period (see {@link delayBeyondResolution}). */
  eventLoopDelay: EventLoopDelay;
  /**
   * The target's monotonic clock (µs) at the start of the window (tMs/startMs 0): V8 CPU profile
   * timestamps use the same clock, so forced GCs can be located in the profile. Absent when unknown.
   */
  clockUs?: number;
  /** The loop's late intervals (absent from captures made before stalls were recorded). */
  stalls?: LoopStall[];
  /** The loop's own delay, CPU waits excluded (absent from older captures). */
  ownLoopDelay?: OwnLoopDelay;
  /**
   * The main thread's run-queue waits and CPU time over the window: [ms since start, ms waited so
   * far, span of the tick (ms), the thread's CPU time in the tick (ms)] at each stall tick where
   * the wait grew or that ran late (absent where unknown; older captures have no CPU field and
   * marks only where the wait grew). {@link runQueueBetween} and {@link markHolding} read it.
   */
  runQueueMarks?: RunQueueMark[];
  /** Waits after the last run-queue mark are unknown (the sampler's bound was reached). */
  runQueueMarksFull?: boolean;
  gc: GcEvent[];
  samples: ProcessSample[];
  /**
   * Where the sampler's clock (samples, GC events, stalls, run-queue marks: ms since the sampler
   * started) starts on the clock of {@link heapAfterGc} (ms since the capture window opened, before
   * the CPU profiler and sampler were started). Absent from older captures (then taken as 0).
   */
  samplerStartMs?: number;
  /**
   * Old-generation bytes after full GCs (leak detection): natural mark-compacts during the window
   * plus forced ones at its start and end (and every heapCheckIntervalMs when set), in time order.
   */
  heapAfterGc: HeapPoint[];
}

/** Total GC pause time by kind (ms) and event counts. */
export function summarizeGc(
  events: readonly GcEvent[],
): Record<GcKind, { count: number; totalMs: number }> {
  const out: Record<GcKind, { count: number; totalMs: number }> = {
    minor: { count: 0, totalMs: 0 },
    major: { count: 0, totalMs: 0 },
    incremental: { count: 0, totalMs: 0 },
    weakcb: { count: 0, totalMs: 0 },
    unknown: { count: 0, totalMs: 0 },
  };
  for (const event of events) {
    out[event.kind].count += 1;
    out[event.kind].totalMs += event.durationMs;
  }
  return out;
}

/**
 * The event-loop delay beyond the histogram's timer period. The histogram records the time
 * between two runs of a timer that fires every `resolutionMs` (the sampler's 20 ms tick; older
 * captures: `monitorEventLoopDelay` at 10 ms), so an idle loop reads about `resolutionMs`
 * although nothing waited: subtract the period from
 * every reading (min, percentiles, mean, max), never below zero. stddev and count are unchanged.
 */
export function delayBeyondResolution(raw: EventLoopDelay, resolutionMs: number): EventLoopDelay {
  const less = (ms: number): number => Math.max(0, ms - resolutionMs);
  return {
    minMs: less(raw.minMs),
    maxMs: less(raw.maxMs),
    meanMs: less(raw.meanMs),
    stddevMs: raw.stddevMs,
    p50Ms: less(raw.p50Ms),
    p90Ms: less(raw.p90Ms),
    p99Ms: less(raw.p99Ms),
    count: raw.count,
  };
}

/**
 * Milliseconds the main thread waited for a CPU between `fromMs` and `toMs` (window times), from
 * the run-queue marks: each tick's wait is spread evenly over that tick's span, so the part of a
 * tick inside the interval gets that part of its wait (an estimate: where in the tick the thread
 * waited is unknown). 0 without marks.
 */
export function runQueueBetween(
  marks: readonly RunQueueMark[],
  fromMs: number,
  toMs: number,
): number {
  let waited = 0;
  let previousTotal = 0;
  for (const [t, total, span] of marks) {
    const grew = total - previousTotal;
    previousTotal = total;
    const start = t - span;
    if (start >= toMs) break;
    if (grew <= 0 || span <= 0 || t <= fromMs) continue;
    const overlap = Math.min(toMs, t) - Math.max(fromMs, start);
    if (overlap > 0) waited += (grew * overlap) / span;
  }
  return waited;
}

/**
 * The mark of the stall tick whose span holds the whole interval `fromMs`..`toMs` (window times)
 * and records the main thread's CPU time, as its index; undefined when no marked tick holds it.
 * A GC pause runs on the main thread, so no tick fires inside it: the tick after it spans it.
 * `slackMs` absorbs the rounding of the two clocks' readings.
 */
export function markHolding(
  marks: readonly RunQueueMark[],
  fromMs: number,
  toMs: number,
  slackMs = 0.5,
): number | undefined {
  for (let i = 0; i < marks.length; i++) {
    const [t, , span, cpu] = marks[i] as RunQueueMark;
    if (t < toMs - slackMs) continue;
    return t - span <= fromMs + slackMs && cpu !== undefined ? i : undefined;
  }
  return undefined;
}
