/** The JavaScript evaluated inside the target (through Runtime.evaluate) to sample its signals. */
import {
  PROBE_FOOTPRINT_EXPRESSION,
  PROBE_FOOTPRINT_RECENT_EXPRESSION,
} from '../../util/probe-footprint-key.js';
import type { EventLoopDelay } from './signals.js';

/**
 * The script URL the sampler's functions carry in the target's CPU profile: its timers and heap
 * checks are Redline's work, taken out of the profile before analysis (analysis/forced-gc.ts).
 */
export const SAMPLER_SOURCE_URL = 'redline-sampler.js';

/**
 * Installs `globalThis.__redlineSampler` with start(intervalMs) / stop() → JSON, heapCheck() →
 * retained bytes after a full GC, and dispose(). Retained bytes never include the Redline probe's
 * own structures (their size, which the probe publishes, is subtracted: probe/footprint.ts). Uses only Node
 * built-ins (perf_hooks), an unref'd interval and a GC PerformanceObserver; stop() removes all of
 * it, so an attached process is left as it was. `require` comes from the inspector's command-line
 * API (Runtime.evaluate with includeCommandLineAPI), which works in CommonJS and ESM targets.
 */
export const SAMPLER_INSTALL = `//# sourceURL=${SAMPLER_SOURCE_URL}
(() => {
  if (globalThis.__redlineSampler) return 'present';
  // \`require\` exists only while an evaluation runs: take every module now, for the callbacks.
  const { createHistogram, PerformanceObserver, performance } = require('node:perf_hooks');
  const v8 = require('node:v8');
  const vm = require('node:vm');
  const KINDS = { 1: 'minor', 2: 'major', 4: 'major', 8: 'incremental', 16: 'weakcb' };
  const fs = require('node:fs');
  // One timer, one wake-up source (issue 13, profiler overhead): its tick measures the loop's
  // delay (each span between ticks goes into the delay histogram, which therefore includes the
  // tick's period: the host subtracts it, delayResolutionMs) and its stalls, and every
  // signalsIntervalMs it takes the process sample. It replaces a 10 ms monitorEventLoopDelay
  // timer, this 20 ms stall timer and a 100 ms sample timer.
  // Loop stalls: the tick (STALL_TICK_MS) records every interval that ran ≥ 20 ms late, with the time the
  // main thread waited for a CPU meanwhile (Linux schedstat run-queue delay; absent elsewhere),
  // so the host can tell a loop its own code blocked from one the machine descheduled or a GC
  // Redline forced stopped (issue 13: "event loop blocked" on an idle service at load 20).
  const STALL_TICK_MS = 20;
  const STALL_MIN_MS = 20;
  const MAX_STALLS = 2000;
  // Run-queue marks: [ms since start, the main thread's cumulative run-queue wait (ms), the tick's
  // span (ms), the main thread's CPU time in the tick (ms)] at each stall tick where the wait grew
  // or that ran late (a GC pause or other work held the loop), so the host can take the machine's
  // waits out of any interval and bound a GC pause by the CPU the thread had in it (a pause also
  // lasts while the main thread sleeps waiting for descheduled GC helper threads). Bounded:
  // 30,000 marks are 10 minutes of ticks under constant starvation.
  const MAX_RUNQ_MARKS = 30000;
  // A tick this late (ms) or later gets a mark even without a wait (a pause of its length).
  const MARK_LATE_MS = 2;
  let stallLast, stalls, runqFd, runqLast, cpuLast, runqMarks, ownLate, runqStart, tickMs, stallOff;
  const runqBuf = Buffer.alloc(128);
  // /proc/thread-self/schedstat: "<ns on CPU> <ns waiting on a run queue> <timeslices>".
  const schedstat = () => {
    if (runqFd === undefined) return undefined;
    try {
      const n = fs.readSync(runqFd, runqBuf, 0, 128, 0);
      const fields = runqBuf.latin1Slice(0, n).split(' ');
      const cpu = Number(fields[0]);
      const runq = Number(fields[1]);
      return Number.isFinite(cpu) && Number.isFinite(runq) ? [cpu / 1e6, runq / 1e6] : undefined;
    } catch { return undefined; }
  };
  // The other threads of the process (V8's platform workers, libuv's pool): per tick, the longest
  // run-queue wait of any one of them. The main thread sleeps on a lock (futex) a helper holds,
  // off the run queue, while that helper waits for a CPU (seen under two spinners: 193 ms in
  // futex_do_wait while one pool thread waited 112 ms on the run queue). The thread list is read
  // every HELPER_LIST_TICKS ticks (threads come and go rarely: libuv's pool starts on first use),
  // one read per known thread every tick; a thread born in between is read from the next listing.
  // Cost measured (issue 13): listing every tick was ~6 ms of main-thread CPU per second (readdir
  // and a Map per tick), the largest single part of the sampler's own cost.
  const HELPER_LIST_TICKS = 50;
  let helperFds, helperPrev, helperListIn, mainTid;
  // The run-queue wait (ms) in a schedstat line, "<ns on CPU> <ns waiting on a run queue> <slices>".
  const runqOf = (n) => {
    const line = runqBuf.latin1Slice(0, n);
    const a = line.indexOf(' ');
    const rq = Number(line.slice(a + 1, line.indexOf(' ', a + 1)));
    return Number.isFinite(rq) ? rq / 1e6 : undefined;
  };
  // Node's inspector runs a Runtime.evaluate (stop(), dispose()) at an interrupt inside running
  // JavaScript, so stop() can close the descriptors in the middle of a timer's tick: the tick works
  // on its own reference to the map, closes only descriptors it opened itself once the map was
  // dropped, and never closes one stop() already closed (CI, 2026-12-06: 'helperFds.get' of
  // undefined in a stall tick crashed the target).
  const listHelpers = (fds) => {
    let tids;
    try { tids = fs.readdirSync('/proc/self/task'); } catch { return; }
    // stop() may have closed every descriptor meanwhile: touch none of them.
    if (helperFds !== fds) return;
    const live = new Set(tids);
    for (const tid of tids) {
      if (tid === mainTid || fds.has(tid)) continue;
      let fd;
      try { fd = fs.openSync('/proc/self/task/' + tid + '/schedstat', 'r'); } catch { continue; }
      if (helperFds !== fds) { try { fs.closeSync(fd); } catch {} return; }
      fds.set(tid, fd);
    }
    for (const [tid, fd] of fds) if (!live.has(tid)) { try { fs.closeSync(fd); } catch {} fds.delete(tid); helperPrev.delete(tid); }
  };
  // The longest run-queue wait (ms) of any other thread since the previous call; undefined when
  // unknown (no /proc, or stopped meanwhile).
  const helperRunq = () => {
    const fds = helperFds;
    if (fds === undefined) return undefined;
    if (--helperListIn <= 0) {
      helperListIn = HELPER_LIST_TICKS;
      listHelpers(fds);
      if (helperFds !== fds) return undefined;
    }
    let max = 0;
    for (const [tid, fd] of fds) {
      let rq;
      try { rq = runqOf(fs.readSync(fd, runqBuf, 0, 128, 0)); } catch {}
      if (helperFds !== fds) return undefined;
      if (rq === undefined) continue;
      const prev = helperPrev.get(tid);
      if (prev !== undefined && rq - prev > max) max = rq - prev;
      helperPrev.set(tid, rq);
    }
    return max;
  };
  // A timer callback of the sampler never throws into the user's process (an uncaught exception
  // there would end the service Redline is measuring); a failed tick only loses that tick.
  const guarded = (f) => () => { try { f(); } catch {} };
  const closeHelpers = () => {
    const fds = helperFds;
    helperFds = undefined;
    if (fds) { for (const fd of fds.values()) { try { fs.closeSync(fd); } catch {} } fds.clear(); }
  };
  const stallTick = (now) => {
    const span = now - stallLast;
    // Every span (ns) between ticks: the loop's delay plus the period, as monitorEventLoopDelay read it.
    histogram.record(Math.max(1, Math.round(span * 1e6)));
    if (stallOff) { stallLast = now; return; }
    const helperMax = helperRunq();
    const stat = schedstat();
    const rq = stat === undefined ? undefined : stat[1];
    const cpuNow = stat === undefined ? undefined : stat[0];
    const waited = rq === undefined || runqLast === undefined ? 0 : rq - runqLast;
    // Every tick's lateness beyond the machine's run-queue wait: the loop's own delay (µs, ≥ 1).
    ownLate.record(Math.max(1, Math.round((span - tickMs - waited) * 1000)));
    if (rq !== undefined && runqLast !== undefined && (waited > 0 || span - tickMs >= MARK_LATE_MS) && runqMarks.length < MAX_RUNQ_MARKS)
      runqMarks.push(helperMax === undefined ? [now - t0, rq - runqStart, span, cpuNow - cpuLast] : [now - t0, rq - runqStart, span, cpuNow - cpuLast, helperMax]);
    if (span - tickMs >= STALL_MIN_MS) {
      const entry = [stallLast - t0, span, rq === undefined || runqLast === undefined ? -1 : rq - runqLast];
      if (stalls.length < MAX_STALLS) stalls.push(entry);
      else {
        // Full: keep the longest ones.
        let min = 0;
        for (let i = 1; i < stalls.length; i++) if (stalls[i][1] < stalls[min][1]) min = i;
        if (stalls[min][1] < span) stalls[min] = entry;
      }
    }
    stallLast = now;
    runqLast = rq;
    cpuLast = cpuNow;
  };
  let histogram, observer, timer, t0, t0HrUs, last, lastCpu, lastElu, lastStat, gc, samples, interval;
  const tick = (now) => {
    const elapsed = now - last;
    const cpu = process.cpuUsage(lastCpu);
    const elu = performance.eventLoopUtilization(lastElu);
    const mem = process.memoryUsage();
    const handles = typeof process._getActiveHandles === 'function' ? process._getActiveHandles().length : undefined;
    // The main thread's own CPU time and run-queue wait since the previous sample (-1: unknown).
    const stat = schedstat();
    const threadCpu = stat && lastStat ? stat[0] - lastStat[0] : -1;
    const runq = stat && lastStat ? stat[1] - lastStat[1] : -1;
    samples.push([now - t0, (cpu.user + cpu.system) / 1000 / elapsed, mem.rss, mem.heapUsed, mem.heapTotal, elu.utilization, Math.max(0, elapsed - interval), handles, runq, threadCpu]);
    last = now;
    lastStat = stat;
    lastCpu = process.cpuUsage();
    lastElu = performance.eventLoopUtilization();
  };
  let fullGc;
  let heap = [];
  // Used bytes outside the young generation (what survived collections).
  const oldGeneration = () => {
    let used = 0;
    for (const space of v8.getHeapSpaceStatistics()) {
      if (space.space_name !== 'new_space' && space.space_name !== 'new_large_object_space') used += space.space_used_size;
    }
    return used;
  };
  // The probe's own retained memory when it runs in this process (0 otherwise): its bounded
  // caches fill up while the service warms up and are not the service's heap. After a natural
  // full GC (several a second under load) the probe's last walk serves when it is recent: a walk
  // costs milliseconds at the probe's caps (probe/footprint.ts bounds these to 1 % of the thread).
  const probeOwn = (recent) => {
    try {
      return recent ? ${PROBE_FOOTPRINT_RECENT_EXPRESSION} : ${PROBE_FOOTPRINT_EXPRESSION};
    } catch {
      return 0;
    }
  };
  const retained = (recent = false) => {
    const used = oldGeneration();
    return used - probeOwn(recent);
  };
  globalThis.__redlineSampler = {
    // A plain full GC (not V8's low-memory GC, which also flushes compiled code), then the
    // retained heap. gc() comes from a fresh context with --expose-gc; the main one stays as it is.
    heapCheck() {
      if (!fullGc) {
        v8.setFlagsFromString('--expose-gc');
        fullGc = vm.runInNewContext('gc');
      }
      fullGc();
      return retained();
    },
    // off: bench-only list of parts left out ('stall': the tick's stall and run-queue reading,
    // 'gc'), see benchPartsOff().
    start(intervalMs, off = []) {
      interval = intervalMs;
      gc = [];
      samples = [];
      heap = [];
      histogram = createHistogram();
      stallOff = off.includes('stall');
      // The tick's period: 20 ms, or the sample interval when that is shorter.
      tickMs = Math.min(STALL_TICK_MS, intervalMs);
      observer = new PerformanceObserver((list) => {
        let major = false;
        for (const e of list.getEntries()) {
          // detail (Node ≥ 16); the entry's own kind/flags accessors are deprecated (DEP0152) and
          // printed a warning in the user's process when flags was 0.
          const d = e.detail;
          const kind = d ? d.kind : e.kind;
          const flags = (d ? d.flags : e.flags) || 0;
          const forced = (flags & 4) !== 0;
          gc.push([e.startTime - t0, e.duration, KINDS[kind] || 'unknown', forced]);
          if (KINDS[kind] === 'major' && !forced) major = true;
        }
        // After a natural mark-compact the old generation holds what survived: a free point
        // for leak detection, with no GC forced on the service.
        if (major) heap.push([performance.now() - t0, retained(true)]);
      });
      if (!off.includes('gc')) observer.observe({ entryTypes: ['gc'] });
      t0 = last = performance.now();
      // The monotonic clock in µs at t0: V8's CPU profile timestamps use the same clock.
      t0HrUs = Number(process.hrtime.bigint() / 1000n);
      lastCpu = process.cpuUsage();
      lastElu = performance.eventLoopUtilization();
      stalls = [];
      runqMarks = [];
      ownLate = createHistogram();
      try { runqFd = fs.openSync('/proc/thread-self/schedstat', 'r'); } catch { runqFd = undefined; }
      try { mainTid = fs.readlinkSync('/proc/thread-self').split('/').pop(); helperFds = new Map(); } catch { helperFds = undefined; }
      helperPrev = new Map();
      helperListIn = 0;
      helperRunq();
      lastStat = schedstat();
      stallLast = performance.now();
      const firstStat = schedstat();
      runqLast = firstStat === undefined ? undefined : firstStat[1];
      cpuLast = firstStat === undefined ? undefined : firstStat[0];
      runqStart = runqLast === undefined ? 0 : runqLast;
      // The sample is due once its interval is closer than half a tick away (so a 100 ms interval
      // takes every fifth 20 ms tick, not every sixth when a tick fires a little early).
      timer = setInterval(guarded(() => {
        const now = performance.now();
        stallTick(now);
        if (now - last >= interval - tickMs / 2) tick(now);
      }), tickMs);
      timer.unref();
      return 'started';
    },
    stop() {
      clearInterval(timer);
      const end = performance.now();
      stallTick(end);
      // The last sample reads schedstat too (the descriptor is closed after it).
      tick(end);
      if (runqFd !== undefined) { try { fs.closeSync(runqFd); } catch {} runqFd = undefined; }
      closeHelpers();
      observer.disconnect();
      const ns = (v) => v / 1e6;
      const h = histogram;
      const count = typeof h.count === 'number' ? h.count : 0;
      const delay = count > 0 || h.max > 0
        ? { minMs: ns(h.min), maxMs: ns(h.max), meanMs: ns(h.mean), stddevMs: ns(h.stddev), p50Ms: ns(h.percentile(50)), p90Ms: ns(h.percentile(90)), p99Ms: ns(h.percentile(99)), count }
        : { minMs: 0, maxMs: 0, meanMs: 0, stddevMs: 0, p50Ms: 0, p90Ms: 0, p99Ms: 0, count: 0 };
      const ownCount = typeof ownLate.count === 'number' ? ownLate.count : 0;
      const us = (v) => Math.max(0, v - 1) / 1000;
      const ownDelay = ownCount > 0
        ? { p50Ms: us(ownLate.percentile(50)), p90Ms: us(ownLate.percentile(90)), maxMs: us(ownLate.max), count: ownCount }
        : undefined;
      const runqKnown = runqLast !== undefined;
      return JSON.stringify({ durationMs: performance.now() - t0, sampleIntervalMs: interval, delay, delayResolutionMs: tickMs, stallTickMs: tickMs, stalls, clockUs: t0HrUs, gc, samples, heap, ownDelay, runqMarks: runqKnown ? runqMarks : undefined, runqMarksFull: runqKnown && runqMarks.length >= MAX_RUNQ_MARKS });
    },
    dispose() {
      try { clearInterval(timer); if (runqFd !== undefined) fs.closeSync(runqFd); runqFd = undefined; closeHelpers(); observer && observer.disconnect(); } catch {}
      fullGc = undefined;
      delete globalThis.__redlineSampler;
      return 'disposed';
    },
  };
  return 'installed';
})()`;

/** The raw JSON `__redlineSampler.stop()` returns. */
export interface RawSamplerOutput {
  durationMs: number;
  sampleIntervalMs: number;
  /** The event-loop delay histogram summary, as the capture reports it. */
  delay: EventLoopDelay;
  /** The histogram's resolution (ms), included in every raw reading (older samplers: absent). */
  delayResolutionMs?: number;
  /** The sampler's tick period (ms), the stall reading's; absent from older samplers. */
  stallTickMs?: number;
  /**
   * Intervals between the sampler's ticks that ran ≥ 20 ms late: [start ms, whole interval ms, ms the main
   * thread waited for a CPU meanwhile (-1: unknown)].
   */
  stalls?: Array<[number, number, number]>;
  /** The target's monotonic clock (µs) at the sampler's start: the CPU profile's time base. */
  clockUs?: number;
  gc: Array<[number, number, string, boolean]>;
  samples: Array<
    [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number | null | undefined,
      (number | undefined)?,
      (number | undefined)?,
    ]
  >;
  /** Old-generation bytes after natural mark-compacts: [ms since start, bytes]. */
  heap?: Array<[number, number]>;
  /**
   * The sampler tick's lateness minus the main thread's run-queue wait in that tick (the
   * loop's own delay, ms); absent from older samplers.
   */
  ownDelay?: { p50Ms: number; p90Ms: number; maxMs: number; count: number };
  /**
   * [ms since start, cumulative run-queue wait of the main thread in ms, the tick's span in ms,
   * the main thread's CPU time in the tick in ms, the longest run-queue wait of any other thread
   * of the process in the tick in ms] at each stall tick where the wait grew or that ran late;
   * absent where the kernel does not expose schedstat (and from older samplers, whose marks have
   * no CPU field and only ticks where the wait grew, or no helper field).
   */
  runqMarks?: Array<[number, number, number, number?, number?]>;
  /** True when runqMarks hit its bound: waits after the last mark are unknown. */
  runqMarksFull?: boolean;
}
