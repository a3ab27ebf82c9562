/** constant-vus: a fixed number of VUs loop for a duration (this shard runs its striped share). */
import type { ConstantVusScenario } from '../../../config/plan.js';
import { createClosedLoopExecutor, type Executor, type ExecutorContext } from './executor.js';

/** Creates a constant-vus executor. */
export function createConstantVus(
  scenario: ConstantVusScenario,
  context: ExecutorContext,
): Executor {
  const vus = context.part.count(scenario.vus);
  return createClosedLoopExecutor(context, vus, () => ({
    vus,
    endAt: context.startAt + scenario.durationMs,
    gracefulStopMs: scenario.gracefulStopMs,
    admit: () => () => true,
  }));
}
