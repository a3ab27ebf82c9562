/** Service diagnosis from the captured signals, with clinic doctor's thresholds as the floor. */
import type { GcEvent, ServiceSignals } from '../capture/signals.js';

/** Thresholds (clinic doctor's analysers use the same numbers; see docs/profiling.md). */
export const DIAGNOSIS_THRESHOLDS = {
  /** Event-loop delay: median at or above this (ms) is a problem. */
  delayMedianMs: 10,
  /** Event-loop delay: a maximum at or above this (ms) is a problem. */
  delayMaxMs: 100,
  /** Event-loop utilisation: a median at or above this is saturated. */
  eluMedian: 0.95,
  /** CPU: p90 below this fraction of a core means the process waits (I/O) rather than computes. */
  cpuP90: 0.9,
  /**
   * GC: blocking pause time summed per 1-s window at or above this (ms) is GC pressure (clinic's
   * 10% of a second). Calibration corpus: gc-churn (old-generation churn) measures 145-364 ms/s;
   * the healthy cases stay below 65 ms/s (threadpool-cpu 34, bounded-cache 39, big-dependency-
   * legit 61; heap-check-big-heap 2 once the forced GCs are excluded).
   */
  gcMsPerSecond: 100,
  /** Fewer process samples than this gives no diagnosis (clinic: 4). */
  minSamples: 4,
} as const;

/** Slack (ms) between a forced GC's pause and the loop delay it causes (timer tick, callbacks). */
export const FORCED_GC_SLACK_MS = 10;

/** What limits the service: event loop, GC, I/O (CPU waits), CPU (saturated), too little data, or unclear. */
export type DiagnosisCategory = 'event-loop' | 'gc' | 'io' | 'cpu' | 'data' | 'unknown';

/** The diagnosis with the measured values behind it. */
export interface Diagnosis {
  category: DiagnosisCategory;
  delayIssue: boolean;
  eluIssue: boolean;
  /** CPU p90 below the threshold (waiting on I/O), clinic's "cpu" issue. */
  cpuUnderused: boolean;
  /** CPU p90 at or above the threshold: one core is saturated. */
  cpuSaturated: boolean;
  gcIssue: boolean;
  values: {
    delayP50Ms: number;
    /**
     * The loop's own longest delay: with stall records, each late interval minus the time the
     * main thread waited for a CPU and the GCs Redline forced in it; otherwise the histogram's.
     */
    delayMaxMs: number;
    /** The histogram's maximum as measured (includes CPU waits and forced GCs). */
    delayMaxRawMs: number;
    /** In the longest raw stall: the ms spent waiting for a CPU and in forced GCs (when known). */
    delayMaxExcludedMs?: number;
    eluMedian: number;
    cpuP90: number;
    gcMaxMsPerSecond: number;
    gcShareOfTime: number;
    samples: number;
  };
}

function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))
  ] as number;
}

/** Blocking GC events (scavenges and mark-compacts; not incremental steps, not forced by us). */
export function blockingGcEvents(events: readonly GcEvent[]): GcEvent[] {
  return events.filter((e) => !e.forced && (e.kind === 'minor' || e.kind === 'major'));
}

/** Largest sum of blocking GC pause time in any 1-s window (events bucketed by midpoint). */
export function maxGcMsPerSecond(events: readonly GcEvent[]): number {
  const windows = new Map<number, number>();
  for (const event of blockingGcEvents(events)) {
    const second = Math.floor((event.startMs + event.durationMs / 2) / 1000);
    windows.set(second, (windows.get(second) ?? 0) + event.durationMs);
  }
  return Math.max(0, ...windows.values());
}

/**
 * The longest time the loop spent in forced GCs in a row: heap checks queue up when one takes
 * longer than their period, so back-to-back pauses (gaps up to the slack) count as one stretch.
 */
export function longestForcedStretchMs(events: readonly GcEvent[]): number {
  const forced = events.filter((e) => e.forced).sort((a, b) => a.startMs - b.startMs);
  let longest = 0;
  let start = Number.NaN;
  let end = Number.NaN;
  for (const e of forced) {
    if (Number.isNaN(start) || e.startMs > end + FORCED_GC_SLACK_MS) {
      start = e.startMs;
      end = e.startMs + e.durationMs;
    } else end = Math.max(end, e.startMs + e.durationMs);
    longest = Math.max(longest, end - start);
  }
  return longest;
}

/**
 * Each sample's event-loop utilisation without the time the loop spent in GCs Redline forced
 * (a forced full GC runs on the loop: with --heap-check over a large heap it is most of it).
 */
export function eluWithoutForcedGc(signals: ServiceSignals): number[] {
  const forced = signals.gc.filter((e) => e.forced);
  let previous = 0;
  return signals.samples.map((sample) => {
    const from = previous;
    const to = sample.tMs;
    previous = sample.tMs;
    const span = to - from;
    if (forced.length === 0 || span <= 0) return sample.elu;
    let overlap = 0;
    for (const gc of forced)
      overlap += Math.max(0, Math.min(to, gc.startMs + gc.durationMs) - Math.max(from, gc.startMs));
    return Math.max(0, sample.elu - overlap / span);
  });
}

/**
 * The loop's own delays: each recorded stall minus the time the main thread waited on the run
 * queue (the machine had no CPU for it: at load 20 on 2 cores an idle service read a 112 ms
 * "blocked loop") and minus the forced GCs inside it (--heap-check over a large heap: 379 ms
 * pauses, queued back to back). Both are subtracted even where they could overlap (a forced GC
 * descheduled midway): that can hide at most the overlap, never report a block the code did not
 * cause. Undefined when the capture has no stall records (older captures, imported files).
 */
export function ownLoopStalls(
  signals: ServiceSignals,
): Array<{ rawMs: number; ownMs: number }> | undefined {
  if (!signals.stalls) return undefined;
  const forced = signals.gc.filter((e) => e.forced);
  return signals.stalls.map((stall) => {
    const from = stall.startMs;
    const to = stall.startMs + stall.spanMs;
    let inForcedGc = 0;
    for (const gc of forced)
      inForcedGc += Math.max(
        0,
        Math.min(to, gc.startMs + gc.durationMs) - Math.max(from, gc.startMs),
      );
    return {
      rawMs: stall.lateMs,
      ownMs: Math.max(0, stall.lateMs - (stall.runQueueMs ?? 0) - inForcedGc),
    };
  });
}

/** Diagnoses the service from its signals (clinic doctor's issue table, first match wins). */
export function diagnoseSignals(signals: ServiceSignals): Diagnosis {
  const t = DIAGNOSIS_THRESHOLDS;
  const cpu = signals.samples.map((s) => s.cpu);
  const delay = signals.eventLoopDelay;
  const gcMax = maxGcMsPerSecond(signals.gc);
  const gcTotal = blockingGcEvents(signals.gc).reduce((sum, e) => sum + e.durationMs, 0);
  const values: Diagnosis['values'] = {
    delayP50Ms: delay.p50Ms,
    delayMaxMs: delay.maxMs,
    delayMaxRawMs: delay.maxMs,
    eluMedian: quantile(eluWithoutForcedGc(signals), 0.5),
    cpuP90: quantile(cpu, 0.9),
    gcMaxMsPerSecond: gcMax,
    gcShareOfTime: signals.durationMs > 0 ? gcTotal / signals.durationMs : 0,
    samples: signals.samples.length,
  };
  const own = ownLoopStalls(signals);
  let maxIsOurs: boolean;
  if (own && own.length > 0) {
    // Stall records: the loop's own maximum, what was excluded from the longest raw stall.
    const longest = own.reduce((a, b) => (b.rawMs > a.rawMs ? b : a));
    values.delayMaxMs = Math.max(...own.map((o) => o.ownMs));
    values.delayMaxExcludedMs = longest.rawMs - longest.ownMs;
    maxIsOurs = false;
  } else {
    // No stall records (older captures): a full GC Redline forced (--heap-check) stops the loop
    // for its whole pause; a maximum no longer than the longest forced pause (plus a timer tick
    // of slack) is Redline's doing.
    const forcedMaxMs = longestForcedStretchMs(signals.gc);
    maxIsOurs = forcedMaxMs > 0 && values.delayMaxMs <= forcedMaxMs + FORCED_GC_SLACK_MS;
  }
  const delayIssue =
    values.delayP50Ms >= t.delayMedianMs || (values.delayMaxMs >= t.delayMaxMs && !maxIsOurs);
  const eluIssue = values.eluMedian >= t.eluMedian;
  const cpuUnderused = values.cpuP90 < t.cpuP90;
  const gcIssue = gcMax >= t.gcMsPerSecond;
  const base = { delayIssue, eluIssue, cpuUnderused, cpuSaturated: !cpuUnderused, gcIssue, values };
  if (values.samples < t.minSamples) return { ...base, category: 'data' };
  const loop = delayIssue || eluIssue;
  // clinic's rows, plus two refinements: a blocked loop with an idle CPU is still an event-loop
  // problem (synchronous I/O), and a saturated CPU with a responsive loop is "cpu" (clinic: none).
  let category: DiagnosisCategory;
  if (gcIssue) category = cpuUnderused ? 'unknown' : 'gc';
  else if (loop) category = 'event-loop';
  else category = cpuUnderused ? 'io' : 'cpu';
  return { ...base, category };
}
