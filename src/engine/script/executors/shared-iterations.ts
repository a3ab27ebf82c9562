/** shared-iterations: VUs share a fixed number of iterations (this shard: its exact share). */
import type { SharedIterationsScenario } from '../../../config/plan.js';
import { createClosedLoopExecutor, type Executor, type ExecutorContext } from './executor.js';

/** Creates a shared-iterations executor. */
export function createSharedIterations(
  scenario: SharedIterationsScenario,
  context: ExecutorContext,
): Executor {
  const vus = context.part.count(scenario.vus);
  return createClosedLoopExecutor(context, vus, () => {
    let remaining = context.part.count(scenario.iterations);
    const take = () => remaining-- > 0;
    return {
      vus: Math.min(vus, Math.max(remaining, 0)),
      endAt: context.startAt + scenario.maxDurationMs,
      gracefulStopMs: scenario.gracefulStopMs,
      admit: () => take,
    };
  });
}
