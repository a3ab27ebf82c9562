/** Rule: fewer parallel workers launched than the plan asked for. */
import { createPlanFinding, ms, type PlanRule } from './plan-rule.js';

/** The Gather must take at least this long (ms) for the missing workers to matter. */
export const MIN_GATHER_MS = 1;

/** `db.parallel-shortfall`: Workers Launched < Workers Planned. */
export const parallelShortfallRule: PlanRule = {
  id: 'db.parallel-shortfall',
  title: 'Fewer parallel workers launched than planned',
  scope: 'node',
  engines: ['postgres'],
  needsActuals: true,
  check(context) {
    const { node } = context;
    const planned = node.workersPlanned;
    const launched = node.workersLaunched;
    if (planned === undefined || launched === undefined || launched >= planned) return null;
    const costMs = node.totalMs ?? 0;
    if (costMs < MIN_GATHER_MS) return null;
    const missing = planned - launched;
    return createPlanFinding({
      rule: parallelShortfallRule,
      context,
      severity: launched === 0 ? 'medium' : 'low',
      timeSavedMs: costMs * (missing / (planned + 1)),
      impact: `${launched} of ${planned} workers launched for ${node.label} (${ms(costMs)})`,
      rootCause:
        'No background worker slots were free when the query started: max_parallel_workers or max_worker_processes is exhausted by other queries.',
      recommendation: {
        text: 'Raise max_parallel_workers / max_worker_processes, or lower concurrency of parallel queries.',
        effort: 'medium',
      },
      evidence: [
        { label: 'workers planned', value: planned },
        { label: 'workers launched', value: launched },
      ],
    });
  },
};
