/** Rule: planning took longer than execution. */
import { createPlanFinding, ms, type PlanRule } from './plan-rule.js';

/** Planning must be at least this long (ms) to matter: tiny lookups often plan longer than they run. */
export const MIN_PLANNING_MS = 10;

/** `db.planning-time`: Planning Time > Execution Time (pgMustard counts planning time too). */
export const planningTimeRule: PlanRule = {
  id: 'db.planning-time',
  title: 'Planning takes longer than execution',
  scope: 'plan',
  engines: ['postgres'],
  needsActuals: true,
  check(context) {
    const planning = context.plan.planningMs ?? 0;
    const exec = context.plan.executionMs ?? 0;
    if (planning < MIN_PLANNING_MS || planning <= exec) return null;
    return createPlanFinding({
      rule: planningTimeRule,
      context: { ...context, totalMs: planning + exec },
      severity: 'medium',
      timeSavedMs: planning * 0.8,
      impact: `${ms(planning)} planning versus ${ms(exec)} executing`,
      rootCause:
        'The planner spends longer choosing the plan than the plan takes to run: many joins, many partitions, or large IN lists make planning expensive.',
      recommendation: {
        text: 'Use prepared statements (so the plan is reused), prune partitions with constant predicates, or reduce join count / join_collapse_limit.',
        effort: 'medium',
      },
      evidence: [
        { label: 'planning time', value: Number(planning.toFixed(3)), unit: 'ms' },
        { label: 'execution time', value: Number(exec.toFixed(3)), unit: 'ms' },
      ],
    });
  },
};
