/** Service diagnosis from the captured signals, with clinic doctor's thresholds as the floor. */
import {
  type GcEvent,
  markHolding,
  type RunQueueMark,
  runQueueBetween,
  type ServiceSignals,
} from '../capture/signals.js';

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
  /**
   * GC pressure from pauses also needs the profile's GC samples at this share of the main
   * thread's CPU (the CPU-profile rule's own limit, CPU_FINDING_THRESHOLDS.gc).
   */
  gcShareOfCpu: 0.1,
  /** Fewer process samples than this gives no diagnosis (clinic: 4). */
  minSamples: 4,
  /**
   * Below this fraction of a period (sample or 1-s GC window) left to the service once its waits
   * for a CPU are taken out, the period is not judged: at load 20 on 2 cores plus two spinning
   * processes the main thread waited 85-89% of the time, and 100 ms of own time per second is
   * too little to compare against a per-second limit.
   */
  minAvailableShare: 0.1,
  /**
   * At or above this share of the window spent waiting for a CPU the machine starved the service,
   * and two measures lose their footing (issue 13):
   * - a loop stall the main thread slept through with no cause Redline can see (no run-queue wait,
   *   no helper thread waiting, no GC) is not charged to the code; it is left unjudged and the
   *   report says "not measurable". Recorded (healthy big-dependency-legit under two spinning
   *   processes, run-queue share 0.72): a 254.7 ms tick with 33.6 ms on the run queue, 1.4 ms of
   *   CPU, helpers waiting at most 42.3 ms, no GC, read as a 158.8 ms own stall (a false
   *   event-loop.blocked). A planted block runs on the CPU (blocked-loop: 0.1 ms of sleep) and keeps
   *   its length; on a machine that is not starved a sleep (execSync, Atomics.wait) keeps it too;
   * - GC pressure is also judged as GC's share of the thread's own CPU ({@link
   *   DIAGNOSIS_THRESHOLDS.gcShareOfStarvedCpu}), which starvation does not scale.
   * Recorded run-queue shares: starved corpus runs 0.58-0.85; the same cases unstarved stay far
   * below (0 on a quiet machine).
   */
  starvedRunQueueShare: 0.5,
  /**
   * On a starved machine (above), GC pressure also when the own blocking GC time is at least this
   * share of the main thread's CPU time in the window and the CPU profile's GC share agrees at the
   * same level: both are shares of the thread's own CPU, which starvation does not change.
   * Recorded under two spinners: gc-churn 0.35/0.39, 0.79/0.47, 0.39/0.26, 0.24/0.20 (thread
   * CPU / profile); healthy cases at most 0.11/0.10 (big-dependency-legit), 0.04/0.10
   * (bounded-cache), 0.06/0.57 (threadpool-cpu), 0.05/0.07 (leak-retained).
   */
  gcShareOfStarvedCpu: 0.2,
  /**
   * On a starved machine, the timing rules (event-loop.blocked, gc.pressure) that did not fire are
   * "not measurable" unless the main thread had at least this much CPU time in the window: less
   * of its own time than one judged second, so neither a 100 ms-per-second GC rate nor a 100 ms
   * block can be told from its absence. Recorded under two spinners at load 22 (2026-12-06 11:32):
   * gc-churn missed with 208 ms of CPU in a 3.8 s window (run-queue share 0.76; pauses 90 ms per
   * available second, GC 13 % of the thread's CPU), blocked-loop missed with 355 ms (0.89; own
   * stall 94 ms); runs that found them had 187-349 ms, so found wins and only silence is qualified.
   */
  minStarvedOwnCpuMs: 1000,
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
  /**
   * The raw measures (wall time) crossed a threshold that the service's own (the machine's CPU
   * waits taken out) did not: the machine was too busy to judge the loop or GC by them.
   */
  machineBusy: boolean;
  /**
   * Rules the run could not judge either way (the machine starved the service and the evidence is
   * too thin): the report says "not measurable" for them instead of staying silent.
   */
  notMeasurable: Array<'event-loop.blocked' | 'gc.pressure'>;
  values: {
    /** The loop's own delay p50 (CPU waits excluded) when measured, else the histogram's. */
    delayP50Ms: number;
    /** The delay histogram's p50 as measured (includes CPU waits). */
    delayP50RawMs: number;
    /**
     * The loop's own longest delay: with stall records, each late interval minus the time the
     * main thread waited for a CPU and the GCs Redline forced in it; otherwise the histogram's.
     */
    delayMaxMs: number;
    /** The histogram's maximum as measured (includes CPU waits and forced GCs). */
    delayMaxRawMs: number;
    /** In the longest raw stall: the ms spent waiting for a CPU and in forced GCs (when known). */
    delayMaxExcludedMs?: number;
    /**
     * The longest own stall left unjudged on a starved machine: its time was sleep with no visible
     * cause ({@link DIAGNOSIS_THRESHOLDS.starvedRunQueueShare}); absent when none was.
     */
    delayMaxUnjudgedMs?: number;
    /** Median event-loop utilisation of the time available to the service ({@link ownElu}). */
    eluMedian: number;
    /** Median event-loop utilisation as measured (without forced GCs only). */
    eluMedianRaw: number;
    cpuP90: number;
    /**
     * Largest own GC pause time per second the machine let the service run (CPU waits inside
     * the pauses and in the window excluded; {@link gcMsPerAvailableSecond}).
     */
    gcMaxMsPerSecond: number;
    /** The same from the pauses' wall time. */
    gcMaxMsPerSecondRaw: number;
    gcShareOfTime: number;
    /** The profile's GC share of the main thread's CPU, when given. */
    gcShareOfCpu?: number;
    /**
     * The own blocking GC time ({@link ownGcEvents}) over the main thread's CPU time in the
     * window (schedstat), when known.
     */
    gcShareOfThreadCpu?: number;
    /** The main thread's CPU time in the window (schedstat), when known. */
    threadCpuMs?: number;
    /** 1-s GC windows not judged: the machine left the service too little of them. */
    gcUnjudgedWindows: number;
    /** Fraction of the window the main thread waited for a CPU (when known). */
    runQueueShare?: number;
    /**
     * The main thread's CPU time over the time the machine let it run (window less its waits
     * for a CPU): how much of the loop's capacity the service used (when known).
     */
    threadBusyShare?: number;
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
 * The largest GC pause time per second of the time the machine let the service run: per 1-s
 * window, the own pauses ({@link ownGcEvents}) over the window's length less the main thread's
 * waits for a CPU in it, scaled to 1 s. On a quiet machine (no waits) this is
 * {@link maxGcMsPerSecond}; on a starved one it keeps GC's share of the service's own time, where
 * wall-time pauses both inflate (descheduled mid-pause) and shrink (the service runs less).
 * Windows with less than {@link DIAGNOSIS_THRESHOLDS.minAvailableShare} of their time available
 * are not judged; `unjudged` counts them.
 */
export function gcMsPerAvailableSecond(signals: ServiceSignals): {
  maxMs: number;
  unjudged: number;
} {
  const marks = signals.runQueueMarks;
  if (!marks || marks.length === 0)
    return { maxMs: maxGcMsPerSecond(ownGcEvents(signals)), unjudged: 0 };
  const windows = new Map<number, number>();
  for (const event of blockingGcEvents(ownGcEvents(signals))) {
    const second = Math.floor((event.startMs + event.durationMs / 2) / 1000);
    windows.set(second, (windows.get(second) ?? 0) + event.durationMs);
  }
  let maxMs = 0;
  let unjudged = 0;
  for (const [second, pausedMs] of windows) {
    const from = second * 1000;
    const to = Math.min(from + 1000, Math.max(signals.durationMs, from + 1));
    const length = to - from;
    const available = length - runQueueBetween(marks, from, to);
    if (available < DIAGNOSIS_THRESHOLDS.minAvailableShare * 1000) {
      unjudged += 1;
      continue;
    }
    maxMs = Math.max(maxMs, (Math.min(pausedMs, available) / available) * 1000);
  }
  return { maxMs, unjudged };
}

/**
 * GC events with each pause bounded by the main thread's own CPU time where schedstat knows it.
 * A pause is wall time, and on a busy machine it holds more than the thread's GC work: the time
 * the thread waited on the run queue (the run-queue marks give it), and the time it slept until
 * V8's parallel GC helper threads, themselves waiting for a CPU, finished their share — off the
 * run queue, so only the thread's CPU time shows it. Each pause is the pause less its run-queue
 * wait, and at most the CPU time the thread had in the stall tick that spans it (no tick fires
 * inside a pause); the tick's CPU is spent once (pauses sharing a tick draw on what the earlier
 * ones left). An upper bound: it never counts less GC than the thread ran.
 *
 * Recorded at load 24-26 plus two spinning processes on 2 cores (test/fixtures/calibration/
 * <case>/starved-signals.json): the healthy big-dependency-legit's first scavenge lasted 57.8 ms in
 * an 83 ms tick in which the thread had 6.1 ms of CPU; its worst window read 168 ms per available
 * second as measured, 126 with the run-queue waits out (the rule before: a false positive with
 * GC 10.03 % of the CPU samples), 92 bounded by the tick's CPU; bounded-cache 420, 193, 27.
 * gc-churn stays over the limit (406, 275 and 194 in three starved runs), and its old measure
 * counted 225 ms of GC in a window where the thread had 111 ms of CPU in all. Splitting the tick's
 * CPU in proportion to the pause's length (58 for big-dependency-legit) lost gc-churn when the
 * machine left it 3 % of a core (84-86). Unchanged without marks; a pause in a tick without a CPU
 * reading (older captures) keeps its run-queue correction only.
 */
export function ownGcEvents(signals: ServiceSignals): GcEvent[] {
  const marks = signals.runQueueMarks;
  if (!marks || marks.length === 0) return signals.gc;
  const cpuLeft = new Map<number, number>();
  return signals.gc.map((event) => {
    const to = event.startMs + event.durationMs;
    const own = Math.max(0, event.durationMs - runQueueBetween(marks, event.startMs, to));
    const tick = markHolding(marks, event.startMs, to);
    const cpu = tick === undefined ? undefined : marks[tick]?.[3];
    if (tick === undefined || cpu === undefined) return { ...event, durationMs: own };
    const left = cpuLeft.get(tick) ?? cpu;
    const counted = Math.max(0, Math.min(own, left));
    cpuLeft.set(tick, left - counted);
    return { ...event, durationMs: counted };
  });
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
  return eluExcluding(signals, false);
}

/**
 * Each sample's event-loop utilisation of the time the machine let the service run: without
 * forced GCs, and with the main thread's waits for a CPU taken out of both the busy time and the
 * period (a callback descheduled midway counts as busy loop time in ELU: at load 20 a mostly
 * idle service read 0.7). Every wait is taken from the busy time, even one that fell in the
 * loop's idle time, so the result can only understate the loop's own use. Samples with less than
 * {@link DIAGNOSIS_THRESHOLDS.minAvailableShare} of their period available are left out.
 */
export function ownElu(signals: ServiceSignals): number[] {
  return eluExcluding(signals, true);
}

function eluExcluding(signals: ServiceSignals, cpuWaits: boolean): number[] {
  if (cpuWaits) {
    const forced = eluExcluding(signals, false);
    let previous = 0;
    const out: number[] = [];
    signals.samples.forEach((sample, i) => {
      const span = sample.tMs - previous;
      previous = sample.tMs;
      const waited = sample.runQueueMs ?? 0;
      const available = span - waited;
      if (span <= 0 || available < DIAGNOSIS_THRESHOLDS.minAvailableShare * span) return;
      out.push(Math.min(1, Math.max(0, (forced[i] as number) * span - waited) / available));
    });
    return out;
  }
  const forced = signals.gc.filter((e) => e.forced);
  let previous = 0;
  return signals.samples.map((sample) => {
    const from = previous;
    const to = sample.tMs;
    previous = sample.tMs;
    const span = to - from;
    if (span <= 0) return sample.elu;
    let overlap = 0;
    for (const gc of forced)
      overlap += Math.max(0, Math.min(to, gc.startMs + gc.durationMs) - Math.max(from, gc.startMs));
    return Math.max(0, sample.elu - overlap / span);
  });
}

/**
 * The loop's own delays: each recorded stall minus the time the main thread waited on the run
 * queue (the machine had no CPU for it: at load 20 on 2 cores an idle service read a 112 ms
 * "blocked loop"), minus the forced GCs inside it (--heap-check over a large heap: 379 ms
 * pauses, queued back to back), and minus the time it slept waiting for a helper thread that
 * itself waited for a CPU: the tick's sleep (span less the run-queue wait and the thread's CPU)
 * up to the longest run-queue wait any one other thread of the process had in that tick.
 *
 * Why the last (recorded under two spinning processes at load 17 on 2 cores, the calibration
 * corpus): healthy threadpool-cpu read an own stall of 106.9 ms in a 138.8 ms tick with 11.9 ms
 * on the run queue and 0.7 ms of CPU, big-dependency-legit 344.5 ms in a 364.6 ms tick with
 * 0.6 ms of CPU, neither with a GC in the tick: the main thread slept off the run queue. Watching
 * /proc/<pid>/task/ meanwhile showed it in futex_do_wait (a lock or a join) for 67-193 ms while one
 * of its pool or V8 worker threads waited 110-177 ms for a CPU. A GC-covered stall alone did
 * not explain it. The sleep is charged to the machine only up to one helper's wait, so a real
 * sleep of the user's code (execSync, Atomics.wait, a read from a cold disk: no helper waiting)
 * keeps its full length; a genuine block that runs on the CPU (blocked-loop: 139 ms own with
 * 0.1 ms of sleep) is untouched. All three are subtracted even where they could overlap: that can
 * hide at most the overlap, never report a block the code did not cause. Undefined when the
 * capture has no stall records (older captures, imported files).
 */
export function ownLoopStalls(
  signals: ServiceSignals,
): Array<{ rawMs: number; ownMs: number; sleptMs: number }> | undefined {
  if (!signals.stalls) return undefined;
  const forced = signals.gc.filter((e) => e.forced);
  const marks = signals.runQueueMarks ?? [];
  return signals.stalls.map((stall) => {
    const from = stall.startMs;
    const to = stall.startMs + stall.spanMs;
    const runQueueMs = stall.runQueueMs ?? 0;
    const tick = markHolding(marks, from, to);
    const [, , , cpuMs, helperWaitMs] = tick === undefined ? [] : (marks[tick] as RunQueueMark);
    const sleptMs = cpuMs === undefined ? 0 : Math.max(0, stall.spanMs - runQueueMs - cpuMs);
    const helperMs = Math.min(sleptMs, helperWaitMs ?? 0);
    let inForcedGc = 0;
    for (const gc of forced)
      inForcedGc += Math.max(
        0,
        Math.min(to, gc.startMs + gc.durationMs) - Math.max(from, gc.startMs),
      );
    const ownMs = Math.max(0, stall.lateMs - runQueueMs - inForcedGc - helperMs);
    return {
      rawMs: stall.lateMs,
      ownMs,
      // Of the own time, what the thread slept with no cause seen (not on the CPU, no helper
      // waiting for one): unknown (0) without the tick's CPU reading.
      sleptMs: Math.min(ownMs, Math.max(0, sleptMs - helperMs)),
    };
  });
}

/**
 * The main thread's CPU time over the time it could have run (each sample's period less its
 * waits for a CPU), from the samples that carry both; undefined without them (non-Linux, older
 * captures) or when the machine left the thread less than
 * {@link DIAGNOSIS_THRESHOLDS.minAvailableShare} of the window.
 */
export function threadBusyShare(signals: ServiceSignals): number | undefined {
  let cpu = 0;
  let available = 0;
  let span = 0;
  let previous = 0;
  for (const sample of signals.samples) {
    const period = sample.tMs - previous;
    previous = sample.tMs;
    if (sample.threadCpuMs === undefined || sample.runQueueMs === undefined || period <= 0)
      continue;
    cpu += sample.threadCpuMs;
    available += Math.max(0, period - sample.runQueueMs);
    span += period;
  }
  if (span === 0 || available < DIAGNOSIS_THRESHOLDS.minAvailableShare * span) return undefined;
  return Math.min(1, cpu / available);
}

/**
 * The service's own work clock for the retained-heap points ({@link ServiceSignals.heapAfterGc}):
 * a function from a point's time to the main thread's CPU time used since the sampler started
 * (schedstat, interpolated within each sample), clamped to the window's ends. A leak grows with
 * the work the service does, not with the wall clock: on a starved machine the service serves
 * nothing for seconds while the wall clock runs on. The heap checks' forced GCs stay in (each adds
 * a step of about the same size; taking their wall-time pauses out left nothing of the clock on a
 * starved machine). A sample without a reading adds nothing (captures made before the final
 * sample read schedstat). Undefined when no sample carries the thread's CPU (non-Linux, older
 * captures, imported files).
 */
export function serviceCpuClock(
  signals: Pick<ServiceSignals, 'samples' | 'samplerStartMs'>,
): ((tMs: number) => number) | undefined {
  if (!signals.samples.some((s) => s.threadCpuMs !== undefined)) return undefined;
  // [sampler time, CPU used up to then] at the sampler's start and after every sample.
  const knots: Array<[number, number]> = [[0, 0]];
  let used = 0;
  for (const sample of signals.samples) {
    used += sample.threadCpuMs ?? 0;
    knots.push([sample.tMs, used]);
  }
  const offset = signals.samplerStartMs ?? 0;
  return (tMs: number) => {
    const t = tMs - offset;
    let previous = knots[0] as [number, number];
    for (const knot of knots) {
      if (knot[0] >= t) {
        const span = knot[0] - previous[0];
        return span <= 0
          ? knot[1]
          : previous[1] + ((knot[1] - previous[1]) * (t - previous[0])) / span;
      }
      previous = knot;
    }
    return previous[1];
  };
}

/** Diagnoses the service from its signals (clinic doctor's issue table, first match wins). */
export function diagnoseSignals(
  signals: ServiceSignals,
  profile: {
    /**
     * The garbage collector's share of the main thread's CPU samples (non-idle), when a CPU
     * profile was taken with the signals: GC pressure needs it to agree (≥ 10 %).
     */
    gcShareOfCpu?: number;
  } = {},
): Diagnosis {
  const t = DIAGNOSIS_THRESHOLDS;
  const cpu = signals.samples.map((s) => s.cpu);
  const delay = signals.eventLoopDelay;
  const ownGc = ownGcEvents(signals);
  const gcPerAvailable = gcMsPerAvailableSecond(signals);
  const gcMax = gcPerAvailable.maxMs;
  const gcTotal = blockingGcEvents(ownGc).reduce((sum, e) => sum + e.durationMs, 0);
  const waits = signals.samples.filter((s) => s.runQueueMs !== undefined);
  const values: Diagnosis['values'] = {
    delayP50Ms: signals.ownLoopDelay?.p50Ms ?? delay.p50Ms,
    delayP50RawMs: delay.p50Ms,
    delayMaxMs: delay.maxMs,
    delayMaxRawMs: delay.maxMs,
    eluMedian: quantile(ownElu(signals), 0.5),
    eluMedianRaw: quantile(eluWithoutForcedGc(signals), 0.5),
    cpuP90: quantile(cpu, 0.9),
    gcMaxMsPerSecond: gcMax,
    gcMaxMsPerSecondRaw: maxGcMsPerSecond(signals.gc),
    gcShareOfTime: signals.durationMs > 0 ? gcTotal / signals.durationMs : 0,
    gcUnjudgedWindows: gcPerAvailable.unjudged,
    samples: signals.samples.length,
  };
  if (waits.length > 0 && signals.durationMs > 0)
    values.runQueueShare =
      waits.reduce((sum, s) => sum + (s.runQueueMs ?? 0), 0) / signals.durationMs;
  if (profile.gcShareOfCpu !== undefined) values.gcShareOfCpu = profile.gcShareOfCpu;
  const threadCpuMs = signals.samples.reduce((sum, s) => sum + (s.threadCpuMs ?? 0), 0);
  if (threadCpuMs > 0 && signals.samples.some((s) => s.threadCpuMs !== undefined)) {
    values.threadCpuMs = threadCpuMs;
    values.gcShareOfThreadCpu = Math.min(1, gcTotal / threadCpuMs);
  }
  const busy = threadBusyShare(signals);
  if (busy !== undefined) values.threadBusyShare = busy;
  const own = ownLoopStalls(signals);
  const starved = (values.runQueueShare ?? 0) >= t.starvedRunQueueShare;
  const notMeasurable: Diagnosis['notMeasurable'] = [];
  let maxIsOurs: boolean;
  if (own && own.length > 0) {
    // Stall records: the loop's own maximum, what was excluded from the longest raw stall. On a
    // starved machine the sleep with no visible cause is not judged (starvedRunQueueShare).
    const judged = own.map((o) => (starved ? o.ownMs - o.sleptMs : o.ownMs));
    const longest = own.reduce((a, b) => (b.rawMs > a.rawMs ? b : a));
    values.delayMaxMs = Math.max(...judged);
    values.delayMaxExcludedMs = longest.rawMs - longest.ownMs;
    const unjudged = own.filter((o, i) => o.ownMs !== judged[i]).map((o) => o.ownMs);
    if (unjudged.length > 0) values.delayMaxUnjudgedMs = Math.max(...unjudged);
    if (
      (values.delayMaxUnjudgedMs ?? 0) >= t.delayMaxMs &&
      values.delayMaxMs < t.delayMaxMs &&
      values.delayP50Ms < t.delayMedianMs
    )
      notMeasurable.push('event-loop.blocked');
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
  // Pauses are wall time: a mark-compact's parallel helpers wait on the run queue too, out of the
  // main thread's sight (calibration case bounded-cache: 153 ms/s of pauses at 62 % waits, 39 on a
  // quiet machine). Pressure needs the CPU samples to agree: GC ≥ 10 % of the main thread's CPU
  // (gc-churn: 30-40 %).
  // On a starved machine the pauses per available second can fall under the limit (each pause is
  // bounded by the little CPU its tick had): GC's share of the thread's own CPU decides too.
  const gcOfStarvedCpu =
    starved &&
    (values.gcShareOfThreadCpu ?? 0) >= t.gcShareOfStarvedCpu &&
    (profile.gcShareOfCpu ?? 0) >= t.gcShareOfStarvedCpu;
  const gcIssue =
    (gcMax >= t.gcMsPerSecond &&
      (profile.gcShareOfCpu === undefined || profile.gcShareOfCpu >= t.gcShareOfCpu)) ||
    gcOfStarvedCpu;
  // Too thin to decide: 1-s windows the machine left too little time to judge, on a thread
  // starved past the point where even its busy share is known (threadBusyShare undefined), and
  // nothing else found GC pressure. Reported as not measurable, never as clean.
  // Too little of the thread's own time on a starved machine to tell either rule from silence.
  const thin = starved && threadCpuMs < t.minStarvedOwnCpuMs;
  if (thin && !delayIssue && !notMeasurable.includes('event-loop.blocked'))
    notMeasurable.push('event-loop.blocked');
  if (!gcIssue && (thin || (gcPerAvailable.unjudged > 0 && busy === undefined && starved)))
    notMeasurable.push('gc.pressure');
  // What the wall-time measures alone would have concluded: where they differ, the machine's
  // CPU waits made the difference and the run cannot judge beyond the service's own numbers.
  const rawIssue =
    (values.delayP50RawMs >= t.delayMedianMs && !delayIssue) ||
    (values.delayMaxRawMs >= t.delayMaxMs && !delayIssue && !maxIsOurs) ||
    (values.eluMedianRaw >= t.eluMedian && !eluIssue) ||
    (values.gcMaxMsPerSecondRaw >= t.gcMsPerSecond && !gcIssue);
  const machineBusy = rawIssue && (values.runQueueShare ?? 0) > 0;
  const base = {
    delayIssue,
    eluIssue,
    cpuUnderused,
    cpuSaturated: !cpuUnderused,
    gcIssue,
    machineBusy,
    notMeasurable,
    values,
  };
  if (values.samples < t.minSamples) {
    // Too few samples to judge anything; on a starved machine say so for the timing rules.
    if (starved) base.notMeasurable = ['event-loop.blocked', 'gc.pressure'];
    return { ...base, category: 'data' };
  }
  // Saturation alone (ELU) with a responsive loop is "cpu", not "event-loop": see
  // createDiagnosisFindings (diagnosis-findings.ts).
  const loop = delayIssue;
  // clinic's rows, plus two refinements: a blocked loop with an idle CPU is still an event-loop
  // problem (synchronous I/O), and a saturated CPU with a responsive loop is "cpu" (clinic: none).
  let category: DiagnosisCategory;
  if (gcIssue) category = cpuUnderused ? 'unknown' : 'gc';
  else if (loop) category = 'event-loop';
  else category = cpuUnderused ? 'io' : 'cpu';
  return { ...base, category };
}
