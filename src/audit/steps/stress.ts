/**
 * The stress ramp: steps of more and more users until the service breaks. A step breaks when the
 * error rate or a latency percentile is no better than the Acceptable column of the criteria, or
 * when throughput stops rising (less than a quarter of the proportional gain over the best step).
 */
import type { AuditStep, BreakingPoint } from '../../results/audit-result.js';
import type { SuccessCriteria } from '../../results/criteria.js';
import { readRunStats } from '../../results/run-stats.js';
import type { StressSettings } from '../config/types.js';
import { runLoadStep, type StepContext } from './load-step.js';

/** What the ramp judges for one step. */
export interface StressPoint {
  users: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  errorRate: number;
  valid: boolean;
}

/** Why a step broke, or that it held. */
export interface StressVerdict {
  broke: boolean;
  reason?: 'errors' | 'latency' | 'throughput-plateau';
  detail: string;
}

/** Share of the proportional throughput gain below which throughput has stopped rising. */
export const PLATEAU_GAIN_SHARE = 0.25;

const LATENCY = ['p50', 'p95', 'p99'] as const;

/** Judges one step against the acceptable limits and the best valid step before it. */
export function judgeStressPoint(
  point: StressPoint,
  best: StressPoint | undefined,
  criteria: SuccessCriteria,
): StressVerdict {
  const errors = criteria.errorRate;
  if (errors && point.errorRate >= errors.acceptable) {
    return {
      broke: true,
      reason: 'errors',
      detail: `error rate ${(point.errorRate * 100).toFixed(2)}% ≥ ${(errors.acceptable * 100).toFixed(2)}%`,
    };
  }
  for (const m of LATENCY) {
    const c = criteria[m];
    if (c && point[m] >= c.acceptable) {
      return {
        broke: true,
        reason: 'latency',
        detail: `${m} ${point[m].toFixed(0)} ms ≥ ${c.acceptable} ms`,
      };
    }
  }
  if (best && point.users > best.users) {
    const needed = best.rps * (1 + PLATEAU_GAIN_SHARE * (point.users / best.users - 1));
    if (point.rps < needed) {
      return {
        broke: true,
        reason: 'throughput-plateau',
        detail: `${point.rps.toFixed(1)} req/s with ${point.users} users vs ${best.rps.toFixed(1)} req/s with ${best.users}: throughput stopped rising`,
      };
    }
  }
  return { broke: false, detail: 'within the acceptable limits, throughput still rising' };
}

/** The numbers of a stress step. */
export function toStressPoint(step: AuditStep): StressPoint {
  const s = readRunStats(step.run);
  return {
    users: step.users ?? s.maxVus,
    rps: s.rps,
    p50: s.p50,
    p95: s.p95,
    p99: s.p99,
    errorRate: s.errorRate,
    valid: step.valid,
  };
}

/**
 * Finds the knee: the first valid step that breaks. Maximum capacity is the highest throughput of
 * the valid steps before it (the knee's own when the very first step broke); without a knee it is
 * the highest throughput reached, with reason `not-reached`.
 */
export function detectBreakingPoint(
  points: readonly StressPoint[],
  criteria: SuccessCriteria,
): BreakingPoint | undefined {
  let best: StressPoint | undefined;
  for (const [i, p] of points.entries()) {
    if (!p.valid) continue;
    const verdict = judgeStressPoint(p, best, criteria);
    if (verdict.broke && verdict.reason) {
      return {
        maxRps: best?.rps ?? p.rps,
        users: p.users,
        errorRate: p.errorRate,
        kneeIndex: i,
        reason: verdict.reason,
      };
    }
    if (!best || p.rps > best.rps) best = p;
  }
  const last = [...points].reverse().find((p) => p.valid) ?? points[points.length - 1];
  if (!last) return undefined;
  return {
    maxRps: best?.rps ?? last.rps,
    users: last.users,
    errorRate: last.errorRate,
    kneeIndex: -1,
    reason: 'not-reached',
  };
}

/** Runs the ramp until the knee (plus `stepsAfterBreak`) or `maxSteps`; returns its steps and the breaking point. */
export async function runStressRamp(
  ctx: StepContext,
  settings: StressSettings,
  criteria: SuccessCriteria,
): Promise<{ steps: AuditStep[]; breakingPoint?: BreakingPoint }> {
  const steps: AuditStep[] = [];
  let best: StressPoint | undefined;
  let after = -1;
  for (let i = 0; i < settings.maxSteps && !ctx.signal.aborted; i++) {
    const users = settings.startUsers + i * settings.stepUsers;
    ctx.progress.result(`stress ${i + 1}/${settings.maxSteps}: ${users} users`);
    const step = await runLoadStep(
      ctx,
      'stress',
      users,
      settings.stepDurationMs,
      `stress ${i + 1}`,
    );
    steps.push(step);
    if (after >= 0) {
      if (++after > settings.stepsAfterBreak - 1) break;
      continue;
    }
    const point = toStressPoint(step);
    if (!point.valid) continue;
    const verdict = judgeStressPoint(point, best, criteria);
    if (verdict.broke) {
      ctx.progress.result(`breaking point: ${verdict.detail}`);
      if (settings.stepsAfterBreak === 0) break;
      after = 0;
    } else if (!best || point.rps > best.rps) best = point;
  }
  const breakingPoint = detectBreakingPoint(steps.map(toStressPoint), criteria);
  return breakingPoint ? { steps, breakingPoint } : { steps };
}
