/** The registry of executors: one entry per k6 executor, each one file behind {@link Executor}. */
import { type ConstantArrivalRateScenario, constantArrivalRate } from './constant-arrival-rate.js';
import { type ConstantVusScenario, constantVus } from './constant-vus.js';
import type { Executor } from './executor.js';
import { type PerVuIterationsScenario, perVuIterations } from './per-vu-iterations.js';
import { type RampingArrivalRateScenario, rampingArrivalRate } from './ramping-arrival-rate.js';
import { type RampingVusScenario, rampingVus } from './ramping-vus.js';
import { type SharedIterationsScenario, sharedIterations } from './shared-iterations.js';

/** One normalised scenario: the scenario type of one of the executors. */
export type ScenarioPlan =
  | SharedIterationsScenario
  | PerVuIterationsScenario
  | ConstantVusScenario
  | RampingVusScenario
  | ConstantArrivalRateScenario
  | RampingArrivalRateScenario;

/** Executor names. */
export type ExecutorName = ScenarioPlan['executor'];

/** Every executor Redline runs, by name (k6's six; `externally-controlled` was removed in k6 v2). */
export const EXECUTORS: {
  readonly [K in ExecutorName]: Executor<Extract<ScenarioPlan, { executor: K }>>;
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

/** The executor of `scenario` (typed loosely for generic callers). */
export function executorOf(scenario: ScenarioPlan): Executor<ScenarioPlan> {
  return EXECUTORS[scenario.executor] as unknown as Executor<ScenarioPlan>;
}
