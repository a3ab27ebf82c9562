/** constant-vus: a fixed number of VUs loop for a duration (this shard runs its striped share). */
import type { ConstantVusScenario } from '../../../config/plan.js';
import { stripe } from '../segment.js';
import {
  type Executor,
  type ExecutorContext,
  finishLoops,
  loopVu,
  sleepUntil,
} from './executor.js';

/** Creates a constant-vus executor. */
export function createConstantVus(
  scenario: ConstantVusScenario,
  context: ExecutorContext,
): Executor {
  const stopper = new AbortController();
  const { runner } = context;
  return {
    async run() {
      await sleepUntil(context.startAt, stopper.signal);
      const endAt = context.startAt + scenario.durationMs;
      const vus = Array.from({ length: stripe(scenario.vus, context.shard, context.shards) }, () =>
        runner.createVu(),
      );
      runner.active += vus.length;
      const loops = vus.map((vu) =>
        loopVu(runner, vu, () => !stopper.signal.aborted && performance.now() < endAt),
      );
      await finishLoops(runner, vus, loops, endAt + scenario.gracefulStopMs, stopper.signal);
      runner.active -= vus.length;
    },
    stop: () => stopper.abort(),
  };
}
