/** Executor registry: executor name -> factory (one file per executor). */
import type { ScenarioPlan } from '../../../config/plan.js';
import { createConstantArrivalRate } from './constant-arrival-rate.js';
import { createConstantVus } from './constant-vus.js';
import type { Executor, ExecutorContext } from './executor.js';
import { createPerVuIterations } from './per-vu-iterations.js';
import { createRampingArrivalRate } from './ramping-arrival-rate.js';
import { createRampingVus } from './ramping-vus.js';
import { createSharedIterations } from './shared-iterations.js';

/** Creates the executor of a scenario. */
export function createExecutor(scenario: ScenarioPlan, context: ExecutorContext): Executor {
  switch (scenario.executor) {
    case 'shared-iterations':
      return createSharedIterations(scenario, context);
    case 'per-vu-iterations':
      return createPerVuIterations(scenario, context);
    case 'constant-vus':
      return createConstantVus(scenario, context);
    case 'ramping-vus':
      return createRampingVus(scenario, context);
    case 'constant-arrival-rate':
      return createConstantArrivalRate(scenario, context);
    case 'ramping-arrival-rate':
      return createRampingArrivalRate(scenario, context);
  }
}

export type { Executor, ExecutorContext } from './executor.js';
