/** Rule: JIT compilation took a large share of a statement's time. */
import { createPlanFinding, ms, type PlanRule } from './plan-rule.js';

/** JIT time above this share of execution time (Redline's choice [ref: pg-jit]) ... */
export const MAX_JIT_SHARE = 0.1;
/**
 * ... and above this many ms (the case of pgMustard's JIT tip [ref: pgmustard]) triggers the rule.
 */
export const MIN_JIT_MS = 50;

/** `db.jit`: JIT.Timing.Total versus Execution Time. */
export const jitShareRule: PlanRule = {
  id: 'db.jit',
  title: 'JIT compilation costs more than it saves',
  scope: 'plan',
  engines: ['postgres'],
  needsActuals: true,
  check(context) {
    const jit = context.plan.jit;
    const exec = context.plan.executionMs ?? 0;
    if (!jit || exec <= 0 || jit.totalMs < MIN_JIT_MS || jit.totalMs / exec <= MAX_JIT_SHARE)
      return null;
    return createPlanFinding({
      rule: jitShareRule,
      context,
      severity: jit.totalMs / exec > 0.4 ? 'high' : 'medium',
      timeSavedMs: jit.totalMs,
      impact: `${ms(jit.totalMs)} compiling ${jit.functions} functions (${((jit.totalMs / exec) * 100).toFixed(0)}% of execution)`,
      rootCause:
        'The plan’s estimated cost crossed jit_above_cost, so PostgreSQL compiled expressions with LLVM; for this query the compile time outweighs the gain.',
      recommendation: {
        text: 'Raise jit_above_cost (or turn jit off for this workload/role).',
        sql: 'SET jit = off;',
        effort: 'low',
      },
      evidence: [
        { label: 'JIT time', value: Number(jit.totalMs.toFixed(3)), unit: 'ms' },
        { label: 'execution time', value: Number(exec.toFixed(3)), unit: 'ms' },
      ],
    });
  },
};
