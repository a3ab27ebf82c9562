/**
 * The audit's own findings, from the load steps rather than from one domain: capacity below the
 * throughput criterion (the breaking point), and steps whose numbers could not be trusted.
 */
import type { Finding } from '../../findings/finding.js';
import type { AuditStep, BreakingPoint } from '../../results/audit-result.js';
import type { SuccessCriteria } from '../../results/criteria.js';

const REASON: Record<BreakingPoint['reason'], string> = {
  errors: 'the error rate crossed the acceptable limit',
  latency: 'a latency percentile crossed the acceptable limit',
  'throughput-plateau': 'throughput stopped rising while users were added',
  'not-reached': 'the ramp ended before anything broke',
};

/**
 * `capacity.below-target` when the maximum capacity misses the throughput row of the criteria;
 * `capacity.not-measurable` (info, "cannot tell") when the ramp ended below the target before
 * anything broke: the throughput it reached is the load the ramp offered, a lower bound of the
 * capacity, not the capacity (the demo's compact ramp, 3 to 18 users with think time, reached a
 * few dozen req/s and was graded "below the acceptable limit" of 800 req/s although nothing had
 * limited it).
 */
export function createCapacityFinding(
  bp: BreakingPoint | undefined,
  criteria: SuccessCriteria,
): Finding | undefined {
  const row = criteria.throughput;
  if (!bp || !row || bp.maxRps >= row.target) return undefined;
  const broke = bp.reason !== 'not-reached';
  if (!broke) return createCapacityNotMeasurable(bp, row);
  const belowAcceptable = bp.maxRps < row.acceptable;
  return {
    id: 'capacity.below-target',
    area: 'capacity',
    title: `Maximum capacity ${bp.maxRps.toFixed(1)} req/s is below the throughput ${belowAcceptable ? 'acceptable limit' : 'target'}`,
    severity: belowAcceptable ? 'high' : 'medium',
    // No share: capacity is the consequence of the bottlenecks, which rank first.
    impact: {
      description: `${bp.maxRps.toFixed(1)} req/s against a target of > ${row.target} req/s (acceptable > ${row.acceptable})${broke ? `; breaks at ${bp.users} users` : ''}`,
    },
    rootCause: broke
      ? `The stress ramp broke at ${bp.users} users: ${REASON[bp.reason]}, with ${(bp.errorRate * 100).toFixed(2)}% errors. The ranked bottlenecks above are what limits it.`
      : `The highest throughput reached was ${bp.maxRps.toFixed(1)} req/s; ${REASON[bp.reason]}.`,
    recommendation: {
      text: 'Fix the bottlenecks ranked above and run the audit again with --baseline to measure the new capacity; if it still falls short, scale out (more processes with the cluster module or more instances behind a load balancer) and add caching for hot reads.',
      effort: 'high',
    },
    evidence: [
      {
        label: 'maximum capacity',
        value: Number(bp.maxRps.toFixed(2)),
        unit: 'req/s',
        source: 'stress ramp',
      },
      {
        label: 'breaking point',
        value: broke ? `${bp.users} users (${bp.reason})` : 'not reached',
        source: 'stress ramp',
      },
    ],
  };
}

/** The "cannot tell" note of a ramp that never reached the service's limit (see createCapacityFinding). */
function createCapacityNotMeasurable(
  bp: BreakingPoint,
  row: NonNullable<SuccessCriteria['throughput']>,
): Finding {
  const rps = bp.maxRps.toFixed(1);
  return {
    id: 'capacity.not-measurable',
    area: 'capacity',
    title: `Maximum capacity: cannot tell — the stress ramp ended at ${bp.users} users before anything broke (${rps} req/s reached, a lower bound)`,
    severity: 'info',
    impact: {
      description: `${rps} req/s is the load the ramp offered; whether the service reaches the throughput target (> ${row.target} req/s, acceptable > ${row.acceptable}) was not measured`,
    },
    rootCause: `Every stress level up to ${bp.users} users met the acceptable limits with throughput still rising, so the ramp never reached the service's limit: the highest throughput it saw says how much load was offered, not how much the service can serve. Neither a shortfall nor enough capacity is reported.`,
    recommendation: {
      text: 'Run a longer stress ramp (more users per step or more steps: steps.stress.step / maxSteps, or a higher base load -u) until a criterion breaks or throughput stops rising.',
      effort: 'low',
    },
    evidence: [
      {
        label: 'highest throughput reached (lower bound)',
        value: Number(bp.maxRps.toFixed(2)),
        unit: 'req/s',
        source: 'stress ramp',
      },
      { label: 'breaking point', value: 'not reached', source: 'stress ramp' },
    ],
  };
}

/** `generator.invalid-steps` (info) when steps were measured while the generator was the limit. */
export function createInvalidStepsFinding(steps: readonly AuditStep[]): Finding | undefined {
  const invalid = steps.filter((s) => !s.valid);
  if (invalid.length === 0) return undefined;
  return {
    id: 'generator.invalid-steps',
    area: 'generator',
    title: `${invalid.length} of ${steps.length} steps could not be trusted`,
    severity: 'info',
    impact: { description: 'their numbers are shown but not graded' },
    rootCause: invalid
      .map((s) => `${s.label ?? s.kind}: ${s.invalidReason ?? 'untrusted'}`)
      .join('; '),
    recommendation: {
      text: 'Run the load generator on another machine or core (taskset), use fewer users per step, or add --workers; keep other heavy processes off the machine during the audit.',
      effort: 'low',
    },
    evidence: invalid.map((s) => ({
      label: s.label ?? s.kind,
      value: s.invalidReason ?? 'untrusted',
      source: 'generator monitor',
    })),
  };
}
