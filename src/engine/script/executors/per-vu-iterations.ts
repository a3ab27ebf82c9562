/** per-vu-iterations: each VU runs the same number of iterations. */
import type { PerVuIterationsScenario } from '../../../config/plan.js';
import { createClosedLoopExecutor, type Executor, type ExecutorContext } from './executor.js';

/** Creates a per-vu-iterations executor. */
export function createPerVuIterations(
  scenario: PerVuIterationsScenario,
  context: ExecutorContext,
): Executor {
  const vus = context.part.count(scenario.vus);
  return createClosedLoopExecutor(context, vus, () => ({
    vus,
    endAt: context.startAt + scenario.maxDurationMs,
    gracefulStopMs: scenario.gracefulStopMs,
    admit: () => {
      let left = scenario.iterations;
      return () => left-- > 0;
    },
  }));
}
