/**
 * One load step: the user flow with N users for a duration, the target's CPU and memory sampled
 * from /proc around it, the generator's own health checked, and the step judged valid or not.
 */
import { runScriptTest } from '../../engine/script-run/run-script.js';
import type { AuditStep, AuditStepKind } from '../../results/audit-result.js';
import type { RunResultFile } from '../../results/run-result.js';
import { readRunStats } from '../../results/run-stats.js';
import { formatDuration } from '../../util/duration.js';
import type { FlowScript } from '../flow/flow-script.js';
import type { AuditProgress } from '../progress.js';
import type { HeapCheckpoints } from '../target/heap-meter.js';
import { ProcSampler, type ProcSummary } from '../target/proc-sampler.js';
import type { RunningTarget } from '../target/target-process.js';

/** What every step needs from the running audit. */
export interface StepContext {
  target: RunningTarget;
  flow: FlowScript;
  signal: AbortSignal;
  progress: AuditProgress;
  /** Largest generator event-loop lag accepted, as a share of the step's p95 latency. */
  maxGeneratorLagShare: number;
  /** Engine warnings (deduplicated by the caller). */
  onWarning: (text: string) => void;
  /** Retained-heap checkpoints between steps (when the target has an inspector). */
  heap?: HeapCheckpoints;
  /** Root process of the local database server, sampled next to the target (see db-server-process.ts). */
  dbServerPid?: number;
}

/** Generator CPU (percent of its cores) from which a step's throughput is the generator's limit. */
export const GENERATOR_CPU_LIMIT = 90;
/** Event-loop lag (ms) always tolerated: below it a lag cannot distort latencies noticeably. */
export const GENERATOR_LAG_FLOOR_MS = 20;

/**
 * Judges whether a run's numbers describe the target: not when the generator's CPU saturated;
 * not when the engine found the generator saturated in most intervals *and* its worst event-loop
 * lag p99 is large next to the latencies measured (above max(20 ms, share × p95)); not when
 * nothing completed or the run was interrupted. A lag that is small next to the latencies (a
 * busy machine, not a busy generator) leaves the step valid; the warning stays in the run.
 */
export function assessStepValidity(
  run: RunResultFile,
  maxLagShare: number,
): { valid: boolean; reason?: string } {
  const stats = readRunStats(run);
  if (run.reason === 'interrupted') return { valid: false, reason: 'interrupted' };
  if (stats.requests === 0) return { valid: false, reason: 'no request completed' };
  const g = run.generator;
  if (g.cpuPercent >= GENERATOR_CPU_LIMIT) {
    return {
      valid: false,
      reason: `generator saturated: it used ${g.cpuPercent.toFixed(0)}% of its CPU`,
    };
  }
  const allowed = Math.max(GENERATOR_LAG_FLOOR_MS, maxLagShare * stats.p95);
  if (g.saturated && g.eventLoopLagP99Ms > allowed) {
    return {
      valid: false,
      reason: `generator saturated: event-loop lag p99 ${g.eventLoopLagP99Ms.toFixed(0)} ms > ${allowed.toFixed(0)} ms (${Math.round(maxLagShare * 100)}% of p95 ${stats.p95.toFixed(0)} ms)`,
    };
  }
  return { valid: true };
}

/** Fills an AuditStep's target and generator fields from the samples. */
export function createAuditStep(
  kind: AuditStepKind,
  run: RunResultFile,
  users: number,
  resources: ProcSummary | undefined,
  maxLagShare: number,
  label?: string,
): AuditStep {
  const validity = assessStepValidity(run, maxLagShare);
  const step: AuditStep = {
    kind,
    users,
    run,
    valid: validity.valid,
    generatorCpuPercent: run.generator.cpuPercent,
  };
  if (label) step.label = label;
  if (validity.reason) step.invalidReason = validity.reason;
  if (resources) {
    step.targetCpuPercent = resources.cpuPercent;
    if (resources.mainThreadPercent !== undefined)
      step.targetMainThreadPercent = resources.mainThreadPercent;
    step.targetMemoryPercent = resources.memoryPercent;
    step.targetRssBytes = resources.maxRssBytes;
  }
  return step;
}

/** One line describing a finished step for the progress output. */
export function describeStep(step: AuditStep): string {
  const s = readRunStats(step.run);
  const parts = [
    `${s.rps.toFixed(1)} req/s`,
    `p50 ${s.p50.toFixed(0)} ms, p95 ${s.p95.toFixed(0)} ms, p99 ${s.p99.toFixed(0)} ms`,
    `errors ${(s.errorRate * 100).toFixed(2)}%`,
  ];
  if (step.targetCpuPercent !== undefined)
    parts.push(`target CPU ${step.targetCpuPercent.toFixed(0)}%`);
  if (step.dbServerCpuPercent !== undefined)
    parts.push(`DB server CPU ${step.dbServerCpuPercent.toFixed(0)}%`);
  if (step.targetRssBytes !== undefined)
    parts.push(`RSS ${(step.targetRssBytes / 1048576).toFixed(0)} MiB`);
  parts.push(`generator CPU ${step.run.generator.cpuPercent.toFixed(0)}%`);
  if (!step.valid) parts.push(`INVALID (${step.invalidReason})`);
  return parts.join(', ');
}

/** A step with the raw resource samples (the soak's leak check needs them). */
export interface MeasuredStep {
  step: AuditStep;
  resources?: ProcSummary;
}

/** Runs the flow with `users` for `durationMs`, sampling the target, and returns the step and samples. */
export async function runMeasuredStep(
  ctx: StepContext,
  kind: AuditStepKind,
  users: number,
  durationMs: number,
  label?: string,
): Promise<MeasuredStep> {
  const sampler = ctx.target.pid !== undefined ? new ProcSampler(ctx.target.pid) : undefined;
  const dbSampler = ctx.dbServerPid !== undefined ? new ProcSampler(ctx.dbServerPid) : undefined;
  let run: RunResultFile;
  let resources: ProcSummary | undefined;
  let dbResources: ProcSummary | undefined;
  try {
    const result = await runScriptTest({
      scriptPath: ctx.flow.scriptPath,
      cli: { vus: users, duration: formatDuration(durationMs), env: ctx.flow.env },
      signal: ctx.signal,
      onWarning: ctx.onWarning,
    });
    run = result.result;
  } finally {
    resources = sampler?.stop();
    dbResources = dbSampler?.stop();
  }
  const step = createAuditStep(kind, run, users, resources, ctx.maxGeneratorLagShare, label);
  if (dbResources) step.dbServerCpuPercent = dbResources.cpuPercent;
  ctx.progress.result(describeStep(step));
  return resources ? { step, resources } : { step };
}

/** Runs the flow with `users` for `durationMs`, then takes a heap checkpoint; returns the step. */
export async function runLoadStep(
  ctx: StepContext,
  kind: AuditStepKind,
  users: number,
  durationMs: number,
  label?: string,
): Promise<AuditStep> {
  const { step } = await runMeasuredStep(ctx, kind, users, durationMs, label);
  await ctx.heap?.record(readRunStats(step.run).requests);
  return step;
}
