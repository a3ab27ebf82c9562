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
}

/** Event-loop delay histogram summary (perf_hooks.monitorEventLoopDelay), in ms. */
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

/** Old-generation bytes right after a full GC (what the heap retains). */
export interface HeapPoint {
  tMs: number;
  usedBytes: number;
}

/** Everything measured in the target during the capture window. */
export interface ServiceSignals {
  durationMs: number;
  sampleIntervalMs: number;
  eventLoopDelay: EventLoopDelay;
  gc: GcEvent[];
  samples: ProcessSample[];
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
