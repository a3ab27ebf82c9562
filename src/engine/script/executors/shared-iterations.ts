/** shared-iterations: VUs share a fixed number of iterations (this shard: its exact share). */
import type { SharedIterationsScenario } from '../../../config/plan.js';
import { splitEvenly } from '../../quick/quick-config.js';
import { stripe } from '../segment.js';
import {
  type Executor,
  type ExecutorContext,
  finishLoops,
  loopVu,
  sleepUntil,
} from './executor.js';

/** Creates a shared-iterations executor. */
export function createSharedIterations(
  scenario: SharedIterationsScenario,
  context: ExecutorContext,
): Executor {
  const stopper = new AbortController();
  const { runner } = context;
  return {
    async run() {
      await sleepUntil(context.startAt, stopper.signal);
      const endAt = context.startAt + scenario.maxDurationMs;
      let remaining = splitEvenly(scenario.iterations, context.shards)[context.shard] ?? 0;
      const count = Math.min(
        stripe(scenario.vus, context.shard, context.shards),
        Math.max(remaining, 0),
      );
      const vus = Array.from({ length: count }, () => runner.createVu());
      runner.active += vus.length;
      const take = () => {
        if (stopper.signal.aborted || performance.now() >= endAt || remaining <= 0) return false;
        remaining--;
        return true;
      };
      const loops = vus.map((vu) => loopVu(runner, vu, take));
      await finishLoops(runner, vus, loops, endAt + scenario.gracefulStopMs, stopper.signal);
      runner.active -= vus.length;
    },
    stop: () => stopper.abort(),
  };
}
