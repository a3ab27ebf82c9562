/**
 * A load step run inside a profiler capture window: the profiler attaches to the target's
 * inspector, records CPU samples, live-heap allocation sites, retained heap after forced GCs,
 * event-loop delay and GC pauses while the flow runs, then analyses and writes its files.
 */
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import type { Finding } from '../../findings/finding.js';
import {
  type CaptureAnalysis,
  type CaptureFiles,
  type CaptureOptions,
  type CaptureResult,
  createSourceResolver,
  profileTarget,
} from '../../profiler/index.js';
import type { AuditStepKind, ProfileSummary } from '../../results/audit-result.js';
import { createFoldedStacks } from '../profile/folded-stacks.js';
import { type MeasuredStep, runMeasuredStep, type StepContext } from './load-step.js';

/** What a captured step produced. */
export interface CapturedStep {
  measured?: MeasuredStep;
  capture: CaptureResult;
  analysis: CaptureAnalysis;
  findings: Finding[];
  files: CaptureFiles;
}

/** Options of {@link runCapturedStep}. */
export interface CapturedStepOptions {
  kind: AuditStepKind;
  users: number;
  durationMs: number;
  capture: Partial<CaptureOptions>;
  /** Folder for the capture's files (cpuprofile, speedscope, flame graph, heap profile, signals). */
  outDir?: string;
  /** Paths in findings are shown relative to this folder (the target's working directory). */
  cwd: string;
  label?: string;
}

/** How long a target whose context is gone gets to finish exiting once the session has closed. */
const EXIT_AFTER_DETACH_MS = 3000;

/**
 * Rethrows a capture failure; when the profiler found the target exiting (its main context gone,
 * kept alive only by the session, see the profiler's PROFILE_TARGET_EXITING), waits briefly for
 * the exit and reports it with the target's last lines instead.
 */
async function exitedDuringCapture(
  ctx: StepContext,
  kind: AuditStepKind,
  error: unknown,
): Promise<never> {
  if (!(error instanceof RedlineError && error.code === 'PROFILE_TARGET_EXITING')) throw error;
  const until = Date.now() + EXIT_AFTER_DETACH_MS;
  while (!ctx.target.hasExited() && Date.now() < until)
    await new Promise((resolve) => setTimeout(resolve, 50));
  throw new RedlineError(
    'E_AUDIT_TARGET_EXITED',
    `the target exited during the ${kind} step's capture window`,
    {
      exitCode: ExitCode.TargetUnreachable,
      problems: ctx.target.outputTail().split('\n').slice(-10),
      hint: 'its last lines are listed above',
      cause: error,
    },
  );
}

/** Runs the flow inside a capture window; needs `ctx.target.inspector`. */
export async function runCapturedStep(
  ctx: StepContext,
  options: CapturedStepOptions,
): Promise<CapturedStep> {
  const inspector = ctx.target.inspector;
  if (!inspector) throw new Error('runCapturedStep needs a target started with the inspector');
  let measured: MeasuredStep | undefined;
  const result = await profileTarget({
    target: { attach: inspector },
    url: ctx.target.url,
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
    capture: options.capture,
    cwd: options.cwd,
    signal: ctx.signal,
    ...(options.outDir ? { outDir: options.outDir } : {}),
  }).catch((error: unknown) => exitedDuringCapture(ctx, options.kind, error));
  if (result.loadError !== undefined && !ctx.signal.aborted) throw result.loadError;
  const out: CapturedStep = {
    capture: result.capture,
    analysis: result.analysis,
    findings: result.findings,
    files: result.files,
  };
  if (measured) out.measured = measured;
  return out;
}

/** The report's profile summary: sample count, window length and the heaviest folded stacks. */
export function createProfileSummary(captured: CapturedStep, cwd: string): ProfileSummary {
  const profile = captured.analysis.cpuProfile;
  const folded = createFoldedStacks(profile, createSourceResolver(cwd));
  const summary: ProfileSummary = {
    durationMs: profile.durationMs ?? captured.capture.signals.durationMs,
    sampleCount: profile.samples.reduce((n, s) => n + (s.count ?? 1), 0),
    unit: folded.unit,
    stacks: folded.stacks,
  };
  const file = captured.files.flamegraph ?? captured.files.cpuprofile;
  if (file) summary.file = file;
  const requests = requestsDuring(captured.measured?.step.run, summary.durationMs);
  if (requests) summary.requests = requests;
  return summary;
}

/**
 * Requests a load run served over `durationMs` of it (its rate × the duration): the requests a
 * profile taken during the run saw, for CPU time per request. Undefined without a run or requests.
 */
export function requestsDuring(
  run:
    | { durationMs: number; metrics: Record<string, { values: Record<string, number> }> }
    | undefined,
  durationMs: number,
): number | undefined {
  const count = run?.metrics['http_reqs']?.values['count'];
  if (!run || !count || run.durationMs <= 0 || durationMs <= 0) return undefined;
  return (count * Math.min(durationMs, run.durationMs)) / run.durationMs;
}
