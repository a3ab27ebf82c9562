/**
 * The profile step for Go, JVM and Python targets: the flow runs while Redline records with the
 * runtime's own profiler (net/http/pprof, Flight Recorder through jcmd, the Python sampler the
 * target was started with); the findings join the report's Bottleneck Analysis like Node's.
 */
import { join } from 'node:path';
import type { Finding } from '../../findings/finding.js';
import {
  createSourceResolver,
  isJvmProcess,
  profileStackTarget,
  runtimeOfCommand,
  type StackProfileResult,
  type StackRuntime,
} from '../../profiler/index.js';
import type { AuditStepKind, ProfileSummary } from '../../results/audit-result.js';
import type { AuditConfig } from '../config/types.js';
import { createFoldedStacks } from '../profile/folded-stacks.js';
import { requestsDuring } from './capture-step.js';
import { type MeasuredStep, runMeasuredStep, type StepContext } from './load-step.js';

/** The runtime profiler a non-Node target can be profiled with, or undefined (then skipped). */
export function stackRuntimeOf(ctx: StepContext, config: AuditConfig): StackRuntime | undefined {
  if (config.target.pprof) return 'go';
  if (ctx.target.pythonSampler) return 'python';
  const command = config.target.command;
  if (command && runtimeOfCommand(command) === 'jvm' && ctx.target.pid !== undefined) return 'jvm';
  if (!command && ctx.target.pid !== undefined && isJvmProcess(ctx.target.pid)) return 'jvm';
  return undefined;
}

/** What the stack capture step produced. */
export interface StackCapturedStep {
  measured?: MeasuredStep;
  result: StackProfileResult;
  findings: Finding[];
}

/** Runs the flow inside a Go, JVM or Python recording window. */
export async function runStackCapturedStep(
  ctx: StepContext,
  config: AuditConfig,
  runtime: StackRuntime,
  options: { kind: AuditStepKind; users: number; durationMs: number; cwd: string; label?: string },
): Promise<StackCapturedStep> {
  let measured: MeasuredStep | undefined;
  const result = await profileStackTarget({
    runtime,
    url: ctx.target.url,
    ...(runtime === 'jvm' && ctx.target.pid !== undefined ? { attachPid: ctx.target.pid } : {}),
    ...(runtime === 'python' && ctx.target.pythonSampler
      ? { pythonSampler: ctx.target.pythonSampler }
      : {}),
    ...(runtime === 'go' && config.target.pprof
      ? { pprof: { url: config.target.pprof, types: ['cpu', 'mutex', 'block'] as const } }
      : {}),
    windowMs: options.durationMs,
    load: async () => {
      measured = await runMeasuredStep(
        ctx,
        options.kind,
        options.users,
        options.durationMs,
        options.label,
      );
      return measured;
    },
    outDir: join(config.outDir, 'profile'),
    displayCwd: options.cwd,
    signal: ctx.signal,
  });
  if (result.loadError !== undefined && !ctx.signal.aborted) throw result.loadError;
  return { ...(measured ? { measured } : {}), result, findings: result.findings };
}

/** The report's profile summary of a recording (heaviest folded stacks of its CPU profile). */
export function createStackProfileSummary(
  step: StackCapturedStep,
  cwd: string,
): ProfileSummary | undefined {
  const cpu = step.result.recording.cpu;
  if (!cpu) return undefined;
  const folded = createFoldedStacks(cpu, createSourceResolver(cwd));
  const summary: ProfileSummary = {
    durationMs: step.result.recording.durationMs,
    sampleCount: cpu.samples.reduce((n, s) => n + (s.count ?? 1), 0),
    unit: folded.unit,
    stacks: folded.stacks,
  };
  const file = step.result.files.flamegraph ?? step.result.files.raw[0];
  if (file) summary.file = file;
  const requests = requestsDuring(step.measured?.step.run, summary.durationMs);
  if (requests) summary.requests = requests;
  return summary;
}
