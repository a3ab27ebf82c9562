/**
 * The run controller: starts outputs and shards, merges shard reports per interval, feeds the
 * outputs, watches the generator's health, stops everything on completion or abort (Ctrl-C,
 * threshold abortOnFail) and always hands the outputs what was measured.
 */
import { Aggregate } from '../metrics/aggregate.js';
import type { Output } from '../outputs/output.js';
import type { EndReason, RunMeta } from '../results/run-meta.js';
import type { RunResultFile, TimelinePoint } from '../results/run-result.js';
import { timelinePoint } from '../results/timeline.js';
import { redactDeep, redactText } from '../util/redact.js';
import { GeneratorMonitor } from './generator-monitor.js';
import { IntervalMerger, type MergedInterval } from './interval-merger.js';
import { type ShardSpec, startShards } from './shard-host.js';
import type { ShardHandle, ShardReport } from './shard-report.js';

/** Why an abort was requested, passed as `AbortController.abort(reason)`. */
export interface AbortReason {
  reason: EndReason;
  detail?: string;
}

/** Options of {@link runShards}. */
export interface RunShardsOptions {
  meta: RunMeta;
  specs: ShardSpec[];
  outputs: readonly Output[];
  /** Cores the generator may use (for the saturation check). */
  cores: number;
  /** Warm-up before the measured window (shards run it first); `meta.startedAtMs` excludes it. */
  warmupMs?: number;
  /** Abort to stop early; `signal.reason` may be an {@link AbortReason}. */
  signal?: AbortSignal;
  /** Called with warnings as they arrive (printed by the CLI). */
  onWarning?: (text: string) => void;
  /** Called with script errors thrown inside iterations (first occurrences, raw stacks). */
  onScriptError?: (error: { message: string; stack: string }) => void;
  /**
   * Shards prepared elsewhere (other processes: src/distributed/), used instead of `specs`:
   * their total count (the merge waits for each), how long before the start instant to release
   * them (it must cover sending the start message), and the hook that hands out their handles.
   */
  launch?: LaunchedShards;
}

/** Shards another module prepared (e.g. the agents of a distributed run). */
export interface LaunchedShards {
  /** How many shards report (each one's `snapshot.shard` is 0..shards-1). */
  shards: number;
  /** Delay between "all ready" and the start instant, ms. */
  startDelayMs: number;
  /** Connects the shards' reports to `emit`; resolves with one handle per started unit. */
  start(emit: (report: ShardReport) => void): Promise<ShardHandle[]>;
}

/** What a finished run measured. */
export interface ControlledRun {
  totals: Aggregate;
  timeline: TimelinePoint[];
  durationMs: number;
  reason: EndReason;
  detail?: string;
  generator: RunResultFile['generator'];
  /** Reasons given by `exec.test.fail()` (the run is marked failed, exit 110). */
  markedFailed: string[];
}

/** Delay between "all shards ready" and the first request, so every shard starts on time. */
const START_DELAY_MS = 30;

function isAbortReason(value: unknown): value is AbortReason {
  return (
    typeof value === 'object' && value !== null && typeof (value as AbortReason).reason === 'string'
  );
}

/** Runs the given shards to the end and returns the merged measurements. */
export async function runShards(options: RunShardsOptions): Promise<ControlledRun> {
  // Metric tags are redacted where series are created (MetricRegistry); the run's description
  // (target URL, test-wide tags, scenario descriptions) is redacted here, in place, so the
  // outputs and the result file built from the same object never see a secret either.
  Object.assign(options.meta, redactDeep(options.meta));
  const shardCount = options.launch?.shards ?? options.specs.length;
  const totals = new Aggregate(shardCount);
  const timeline: TimelinePoint[] = [];
  const monitor = new GeneratorMonitor(options.cores);
  const warned = new Set<string>();
  let durationMs = 0;
  let outputsFailed: unknown;

  const onMerged = (merged: MergedInterval) => {
    totals.addAggregate(merged.delta);
    durationMs = Math.max(durationMs, merged.endMs);
    timeline.push(timelinePoint(merged.delta, totals, merged.startMs, merged.endMs));
    monitor.sample(merged.health);
    for (const w of merged.warnings) {
      if (warned.has(w)) continue;
      warned.add(w);
      options.onWarning?.(w);
    }
    const update = {
      interval: merged.interval,
      startMs: merged.startMs,
      endMs: merged.endMs,
      delta: merged.delta,
      totals,
    };
    for (const output of options.outputs) {
      try {
        output.onInterval?.(update);
      } catch (error) {
        outputsFailed ??= error;
      }
    }
  };
  const merger = new IntervalMerger(shardCount, onMerged);
  let handles: ShardHandle[] = [];
  let abortReason: AbortReason | undefined;
  const markedFailed: string[] = [];
  const stopAll = () => {
    const raw: unknown = options.signal?.reason;
    abortReason ??= isAbortReason(raw) ? raw : { reason: 'interrupted' };
    for (const h of handles) h.stop();
  };
  const onReport = (report: ShardReport) => {
    for (const event of report.events ?? []) {
      if (event.type === 'fail') markedFailed.push(redactText(event.message));
      else if (!abortReason) {
        abortReason = { reason: 'aborted-by-script', detail: redactText(event.message) };
        for (const h of handles) h.stop();
      }
    }
    for (const error of report.scriptErrors ?? []) options.onScriptError?.(error);
    merger.add(report);
  };
  if (options.signal?.aborted) {
    abortReason = isAbortReason(options.signal.reason)
      ? options.signal.reason
      : { reason: 'interrupted' };
  }
  options.signal?.addEventListener('abort', stopAll, { once: true });
  try {
    if (!abortReason) {
      handles = options.launch
        ? await options.launch.start(onReport)
        : await startShards(options.specs, onReport, true);
      // Every shard is ready (workers booted, scripts imported): start all on the same tick.
      const loadStart =
        performance.timeOrigin +
        performance.now() +
        (options.launch?.startDelayMs ?? START_DELAY_MS);
      options.meta.startedAtMs = loadStart + (options.warmupMs ?? 0);
      for (const output of options.outputs) await output.start?.(options.meta);
      for (const h of handles) h.start(loadStart);
      if (options.signal?.aborted) stopAll();
      await Promise.all(handles.map((h) => h.done));
    }
  } finally {
    options.signal?.removeEventListener('abort', stopAll);
  }
  const generator = monitor.summary();
  for (const w of generator.warnings) if (!warned.has(w)) options.onWarning?.(w);
  const run: ControlledRun = {
    totals,
    timeline,
    durationMs,
    reason: abortReason?.reason ?? 'completed',
    generator,
    markedFailed,
  };
  if (abortReason?.detail !== undefined) run.detail = abortReason.detail;
  const end = {
    totals,
    durationMs,
    reason: run.reason,
    ...(run.detail ? { detail: run.detail } : {}),
  };
  // Outputs finish side by side: each network output bounds its own final delivery (the flush
  // timeout), so two dead sinks cost one timeout, not two.
  const stopped = await Promise.allSettled(
    options.outputs.map(async (output) => output.stop?.(end)),
  );
  for (const outcome of stopped)
    if (outcome.status === 'rejected') outputsFailed ??= outcome.reason;
  if (outputsFailed) throw outputsFailed;
  return run;
}
