/** The registry of executor configurations: one entry per k6 executor, all behind {@link ExecutorKind}. */
import type { ExecutorName, ScenarioPlan } from '../plan.js';
import { constantArrivalRate } from './constant-arrival-rate.js';
import { constantVus } from './constant-vus.js';
import type { ExecutorKind } from './executor-kind.js';
import { perVuIterations } from './per-vu-iterations.js';
import { rampingArrivalRate } from './ramping-arrival-rate.js';
import { rampingVus } from './ramping-vus.js';
import { sharedIterations } from './shared-iterations.js';

export * from './executor-kind.js';

/** Every executor Redline runs, by name (k6's six; `externally-controlled` was removed in k6 v2). */
export const EXECUTORS: {
  readonly [K in ExecutorName]: ExecutorKind<Extract<ScenarioPlan, { executor: K }>>;
} = {
  'shared-iterations': sharedIterations,
  'per-vu-iterations': perVuIterations,
  'constant-vus': constantVus,
  'ramping-vus': rampingVus,
  'constant-arrival-rate': constantArrivalRate,
  'ramping-arrival-rate': rampingArrivalRate,
};

/** Executor names in k6's documentation order. */
export const EXECUTOR_NAMES = Object.keys(EXECUTORS) as ExecutorName[];

/** The configuration side of `scenario`'s executor (typed loosely for generic callers). */
export function executorKindOf(scenario: ScenarioPlan): ExecutorKind {
  return EXECUTORS[scenario.executor] as unknown as ExecutorKind;
}
