/**
 * The load phase of an audit, in this order [ref: k6-test-types]: baseline → normal load (X) → peak (3X) →
 * stress ramp until the breaking point → spike. Each step can be skipped or sized; a target that
 * dies under load ends the phase (and is reported).
 */
import type { AuditStep, BreakingPoint } from '../results/audit-result.js';
import { formatDuration } from '../util/duration.js';
import type { AuditConfig, LoadStepSettings } from './config/types.js';
import { runLoadStep, type StepContext } from './steps/load-step.js';
import { runStressRamp } from './steps/stress.js';

/** What the load phase measured. */
export interface LoadPhaseResult {
  steps: AuditStep[];
  breakingPoint?: BreakingPoint;
  /** Set when the started target exited during the phase. */
  crashed?: string;
}

const MEASURES = 'latency percentiles, errors, throughput, target CPU and RSS, generator CPU';

const WHAT: Record<'baseline' | 'load' | 'peak' | 'spike', string> = {
  baseline: 'latency without load',
  load: 'normal load (X)',
  peak: 'peak load (3X)',
  spike: 'a sudden surge (5X)',
};

/** Announces a step on the progress output. */
export function announce(
  ctx: StepContext,
  name: string,
  users: number,
  durationMs: number,
  what: string,
): void {
  ctx.progress.step(
    name,
    `${what}: ${users} user${users === 1 ? '' : 's'} for ${formatDuration(durationMs)}; measuring ${MEASURES}`,
  );
}

function crashedText(ctx: StepContext, after: string): string | undefined {
  if (!ctx.target.hasExited()) return undefined;
  const tail = ctx.target.outputTail().split('\n').slice(-3).join(' | ');
  return `the target exited during the ${after} step${tail ? `: ${tail}` : ''}`;
}

async function simple(
  ctx: StepContext,
  kind: keyof typeof WHAT,
  s: LoadStepSettings,
  out: LoadPhaseResult,
): Promise<void> {
  if (!s.enabled || ctx.signal.aborted || out.crashed) return;
  announce(ctx, kind, s.users, s.durationMs, WHAT[kind]);
  out.steps.push(await runLoadStep(ctx, kind, s.users, s.durationMs));
  const crashed = crashedText(ctx, kind);
  if (crashed) out.crashed = crashed;
}

/** Runs the load steps of `config` against the target. */
export async function runLoadPhase(
  ctx: StepContext,
  config: AuditConfig,
): Promise<LoadPhaseResult> {
  const out: LoadPhaseResult = { steps: [] };
  const s = config.steps;
  await simple(ctx, 'baseline', s.baseline, out);
  await simple(ctx, 'load', s.load, out);
  await simple(ctx, 'peak', s.peak, out);
  if (s.stress.enabled && !ctx.signal.aborted && !out.crashed) {
    const st = s.stress;
    ctx.progress.step(
      'stress',
      `ramp from ${st.startUsers} users (+${st.stepUsers} per step, ${formatDuration(st.stepDurationMs)} each, at most ${st.maxSteps} steps) until the error or latency criteria break or throughput stops rising`,
    );
    const ramp = await runStressRamp(ctx, st, config.criteria);
    out.steps.push(...ramp.steps);
    if (ramp.breakingPoint) out.breakingPoint = ramp.breakingPoint;
    const crashed = crashedText(ctx, 'stress');
    if (crashed) out.crashed = crashed;
  }
  await simple(ctx, 'spike', s.spike, out);
  return out;
}
