/** per-vu-iterations: each VU runs the same number of iterations. */
import type { PerVuIterationsScenario } from '../../../config/plan.js';
import { stripe } from '../segment.js';
import {
  type Executor,
  type ExecutorContext,
  finishLoops,
  loopVu,
  sleepUntil,
} from './executor.js';

/** Creates a per-vu-iterations executor. */
export function createPerVuIterations(
  scenario: PerVuIterationsScenario,
  context: ExecutorContext,
): Executor {
  const stopper = new AbortController();
  const { runner } = context;
  return {
    async run() {
      await sleepUntil(context.startAt, stopper.signal);
      const endAt = context.startAt + scenario.maxDurationMs;
      const vus = Array.from({ length: stripe(scenario.vus, context.shard, context.shards) }, () =>
        runner.createVu(),
      );
      runner.active += vus.length;
      const loops = vus.map((vu) => {
        let left = scenario.iterations;
        return loopVu(runner, vu, () => {
          if (stopper.signal.aborted || performance.now() >= endAt || left <= 0) return false;
          left--;
          return true;
        });
      });
      await finishLoops(runner, vus, loops, endAt + scenario.gracefulStopMs, stopper.signal);
      runner.active -= vus.length;
    },
    stop: () => stopper.abort(),
  };
}
