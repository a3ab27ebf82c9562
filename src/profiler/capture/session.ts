/** One capture window over an inspector session: CPU + heap sampling, in-target signals, heap checks. */
import { performance } from 'node:perf_hooks';
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import type { V8CpuProfile } from '../import/cpuprofile.js';
import type { V8HeapProfile } from '../import/heapprofile.js';
import type { InspectorClient } from './inspector-client.js';
import { type RawSamplerOutput, SAMPLER_INSTALL } from './sampler-source.js';
import {
  delayBeyondResolution,
  type GcKind,
  type HeapPoint,
  type ServiceSignals,
} from './signals.js';

/** Knobs of a capture (defaults in {@link DEFAULT_CAPTURE_OPTIONS}). */
export interface CaptureOptions {
  /** V8 CPU sampling interval in microseconds. */
  samplingIntervalUs: number;
  /** Sampling heap profiler interval in bytes; 0 turns heap sampling off. */
  heapSamplingIntervalBytes: number;
  /** Frames kept per heap sample (V8's default is 128; deep captures cost the service time). */
  heapSamplingStackDepth: number;
  /** Period of the in-target CPU/memory/ELU samples (ms). */
  signalsIntervalMs: number;
  /**
   * Leak detection measures the retained heap after every natural mark-compact plus one forced
   * full GC at the start and one at the end of the window (`heapChecks: false` skips those two).
   * A period here (ms) adds forced full GCs during the window: more points, but each one costs
   * the service throughput (measured: see bench/RESULTS.md). 0 = none (default).
   */
  heapCheckIntervalMs: number;
  /** Forced full GCs at the start and end of the window (default true). */
  heapChecks: boolean;
}

/**
 * Defaults: V8's usual 1 ms CPU interval; heap samples every 256 KiB with 64 frames (64 KiB with
 * 128 frames cost a busy HTTP service ~8-10 % of its main-thread CPU here, 256 KiB ~0); 100 ms
 * signals; no periodic forced GC. Measured in bench/profiler-overhead.js.
 *
 * Why 1 ms stays the interval (bench/RESULTS.md, "Profiler overhead: the interval is not the
 * lever", 2026-12-06, load 15–28 on 2 cores): with the in-target parts on, the profiled service's
 * main thread paid ×1.21–×1.44 CPU per request at 1, 5, 10, 20 and 100 ms alike, so a coarser
 * interval buys nothing measurable; the cost is the sampler's stall timer, delay histogram and
 * GC observer together (~12 points) plus heap sampling (~4), and only with those off does the
 * interval show (×1.10 at 1 ms, ×1.04 at 10 ms). A coarser interval would also cut the samples
 * where they are fewest (a starved thread). The ≤ 5 % goal is missed at that load. One in-target
 * timer instead of three wake-up sources (branch prof13b) changed nothing measurable (after/before
 * ×0.999 and ×0.991); at 10 ms with everything else on the cost is unchanged too, so the default
 * stays 1 ms (bench/RESULTS.md, "Profiler overhead after one in-target timer").
 *
 * Why 256 KiB stays the heap interval (bench/RESULTS.md, "Profiler overhead: heap interval and CPU
 * interval re-measured", branch prof13c): heap sampling off saves ~4 points (after/before ×0.963,
 * ×0.924–×1.003), but 1 MiB saves nothing (×0.987 and ×0.998 in two runs): the cost is having the
 * sampler on, not the samples. 1 MiB would also leave a leak at memory.leak's 1 MiB limit with one
 * live sample on average (no site named in ~37 % of such captures, e^-1; 256 KiB: 4, ~2 %).
 * 10 ms CPU sampling with the rest on: ×1.000 (×0.959–×1.043), so no reason to give up samples.
 */
export const DEFAULT_CAPTURE_OPTIONS: CaptureOptions = {
  samplingIntervalUs: 1000,
  heapSamplingIntervalBytes: 256 * 1024,
  heapSamplingStackDepth: 64,
  signalsIntervalMs: 100,
  heapCheckIntervalMs: 0,
  heapChecks: true,
};

/** What one window captured. */
export interface CaptureResult {
  cpuProfile: V8CpuProfile;
  /** Live objects sampled during the window and still alive after the final full GC. */
  heapProfile?: V8HeapProfile;
  signals: ServiceSignals;
}

/** Node's reply to an evaluation when the session's default context no longer exists. */
const CONTEXT_GONE = /Cannot find context with specified id/;

/**
 * The error for an evaluation that found no main context. Node creates the main context before
 * its inspector listens, and destroys it only when the process exits: a process that exits while
 * a session is attached prints "Waiting for the debugger to disconnect...", destroys its context
 * and stays alive, inspector open, until the session closes. So this reply means the target is
 * exiting (crashed, or called process.exit), never that it is still starting.
 */
export function targetExitingError(what: string, cause?: unknown): RedlineError {
  return new RedlineError(
    'PROFILE_TARGET_EXITING',
    `the target is exiting: its main context was destroyed before ${what}`,
    {
      exitCode: ExitCode.TargetUnreachable,
      hint: "Node keeps an exiting process alive while an inspector session is attached; the target's own output says why it exited.",
      cause,
    },
  );
}

async function evaluate<T>(client: InspectorClient, expression: string): Promise<T> {
  let reply: {
    result: { value?: T };
    exceptionDetails?: { text: string; exception?: { description?: string } };
  };
  try {
    reply = await client.send('Runtime.evaluate', {
      expression,
      includeCommandLineAPI: true,
      returnByValue: true,
      silent: true,
    });
  } catch (error) {
    if (CONTEXT_GONE.test(error instanceof Error ? error.message : ''))
      throw targetExitingError(`\`${expression.slice(0, 60)}\` could run`, error);
    throw error;
  }
  if (reply.exceptionDetails) {
    throw new Error(
      `in-target sampler failed: ${reply.exceptionDetails.exception?.description ?? reply.exceptionDetails.text}`,
    );
  }
  return reply.result.value as T;
}

async function retainedHeap(client: InspectorClient, t0: number): Promise<HeapPoint> {
  const usedBytes = await evaluate<number>(client, 'globalThis.__redlineSampler.heapCheck()');
  return { tMs: performance.now() - t0, usedBytes };
}

/**
 * Bench only (bench/profiler-overhead.js): env REDLINE_BENCH_CAPTURE_OFF, a comma-separated list
 * of the session's fixed parts to leave out, so each part's cost can be measured alone:
 * `stall` (the stall and run-queue reading of the sampler's 20 ms tick; the tick itself stays, it
 * takes the delay histogram and the samples), `gc` (the GC PerformanceObserver), `heapdomain` (HeapProfiler.enable; only valid with
 * heapSamplingIntervalBytes 0 and heapChecks off). The signals left out read as empty: never set
 * it for a real capture.
 */
export function benchPartsOff(): string[] {
  const raw = process.env.REDLINE_BENCH_CAPTURE_OFF;
  return raw
    ? raw
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean)
    : [];
}

/** Prepares the session: enables domains and installs the sampler (before warm-up). */
export async function prepareCapture(
  client: InspectorClient,
  options: CaptureOptions,
): Promise<void> {
  await client.send('Profiler.enable');
  await client.send('Profiler.setSamplingInterval', { interval: options.samplingIntervalUs });
  if (!benchPartsOff().includes('heapdomain')) await client.send('HeapProfiler.enable');
  await evaluate(client, SAMPLER_INSTALL);
}

/**
 * Captures while `runWindow` runs (the load). Everything started here is stopped in `finally`,
 * so an interrupted or failed load still returns what was captured up to then.
 */
export async function captureWindow(
  client: InspectorClient,
  runWindow: () => Promise<unknown>,
  options: CaptureOptions,
): Promise<{ capture: CaptureResult; loadResult?: unknown; loadError?: unknown }> {
  const t0 = performance.now();
  const heapPoints: HeapPoint[] = [];
  if (options.heapChecks) heapPoints.push(await retainedHeap(client, t0));
  if (options.heapSamplingIntervalBytes > 0) {
    await client.send('HeapProfiler.startSampling', {
      samplingInterval: options.heapSamplingIntervalBytes,
      stackDepth: options.heapSamplingStackDepth,
    });
  }
  // The CPU profiler first: starting it walks the heap for compiled code (hundreds of ms on a
  // large heap, with the loop stopped), which is Redline's doing and must not be recorded as a
  // loop stall (calibration case heap-check-big-heap: a 411 ms stall at the window's start).
  await client.send('Profiler.start');
  const sampleStart = performance.now() - t0;
  await evaluate(
    client,
    `globalThis.__redlineSampler.start(${options.signalsIntervalMs}, ${JSON.stringify(benchPartsOff())})`,
  );
  // Heap checks every heapCheckIntervalMs, counted from the end of the previous one: a forced full
  // GC stops the service, and on a starved machine one over an 80 MB heap took 0.8-1.7 s, so
  // checks on a fixed period ran back to back and left the service almost no time of its own
  // (calibration case gc-churn at load 24 plus two spinning processes: five forced GCs in a row,
  // no GC of its own measured, gc.pressure missed).
  let checking: Promise<void> = Promise.resolve();
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const scheduleCheck = (): void => {
    timer = setTimeout(() => {
      checking = retainedHeap(client, t0)
        .then((point) => {
          heapPoints.push(point);
        })
        .catch(() => {})
        .then(() => {
          if (!stopped) scheduleCheck();
        });
    }, options.heapCheckIntervalMs);
  };
  if (options.heapCheckIntervalMs > 0) scheduleCheck();
  let loadResult: unknown;
  let loadError: unknown;
  try {
    loadResult = await runWindow();
  } catch (error) {
    loadError = error;
  } finally {
    stopped = true;
    if (timer) clearTimeout(timer);
  }
  await checking;
  const { profile } = await client.send<{ profile: V8CpuProfile }>('Profiler.stop');
  const raw = JSON.parse(
    await evaluate<string>(client, 'globalThis.__redlineSampler.stop()'),
  ) as RawSamplerOutput;
  if (options.heapChecks) heapPoints.push(await retainedHeap(client, t0));
  let heapProfile: V8HeapProfile | undefined;
  if (options.heapSamplingIntervalBytes > 0) {
    heapProfile = (await client.send<{ profile: V8HeapProfile }>('HeapProfiler.getSamplingProfile'))
      .profile;
    await client.send('HeapProfiler.stopSampling');
  }
  const capture: CaptureResult = {
    cpuProfile: profile,
    signals: toSignals(raw, heapPoints, sampleStart),
  };
  if (heapProfile) capture.heapProfile = heapProfile;
  return { capture, loadResult, ...(loadError === undefined ? {} : { loadError }) };
}

/** Removes the sampler and turns the profilers off (for attached processes). */
export async function disposeCapture(client: InspectorClient): Promise<void> {
  await evaluate(
    client,
    'globalThis.__redlineSampler && globalThis.__redlineSampler.dispose()',
  ).catch(() => {});
  await client.send('Profiler.disable').catch(() => {});
  await client.send('HeapProfiler.disable').catch(() => {});
}

/** Converts the sampler's output; its times (target clock, from sampler start) are shifted onto ours. */
function toSignals(
  raw: RawSamplerOutput,
  forced: HeapPoint[],
  sampleStart: number,
): ServiceSignals {
  const natural = (raw.heap ?? []).map(([tMs, usedBytes]) => ({
    tMs: sampleStart + tMs,
    usedBytes,
  }));
  const heapAfterGc = [...forced, ...natural].sort((a, b) => a.tMs - b.tMs);
  return {
    durationMs: raw.durationMs,
    sampleIntervalMs: raw.sampleIntervalMs,
    // Older samplers (no resolution in their output) used 10 ms.
    eventLoopDelay: delayBeyondResolution(raw.delay, raw.delayResolutionMs ?? 10),
    ...(typeof raw.clockUs === 'number' ? { clockUs: raw.clockUs } : {}),
    ...(raw.stalls
      ? {
          stalls: raw.stalls.map(([startMs, spanMs, runQueueMs]) => ({
            startMs,
            spanMs,
            lateMs: spanMs - (raw.stallTickMs ?? 20),
            ...(runQueueMs >= 0 ? { runQueueMs } : {}),
          })),
        }
      : {}),
    ...(raw.ownDelay ? { ownLoopDelay: raw.ownDelay } : {}),
    ...(raw.runqMarks
      ? { runQueueMarks: raw.runqMarks, ...(raw.runqMarksFull ? { runQueueMarksFull: true } : {}) }
      : {}),
    samplerStartMs: sampleStart,
    gc: raw.gc.map(([startMs, durationMs, kind, forced]) => ({
      startMs,
      durationMs,
      kind: kind as GcKind,
      ...(forced ? { forced } : {}),
    })),
    samples: raw.samples.map(
      ([
        tMs,
        cpu,
        rssBytes,
        heapUsedBytes,
        heapTotalBytes,
        elu,
        delayMs,
        handles,
        runq,
        threadCpu,
      ]) => ({
        tMs,
        cpu,
        rssBytes,
        heapUsedBytes,
        heapTotalBytes,
        elu,
        delayMs,
        ...(typeof handles === 'number' ? { handles } : {}),
        ...(typeof runq === 'number' && runq >= 0 ? { runQueueMs: runq } : {}),
        ...(typeof threadCpu === 'number' && threadCpu >= 0 ? { threadCpuMs: threadCpu } : {}),
      }),
    ),
    heapAfterGc,
  };
}
