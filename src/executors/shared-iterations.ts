/** shared-iterations: a total number of iterations shared by a fixed number of VUs (k6 defaults). */
import type { Executor, ScenarioBase } from './executor.js';
import {
  describeMaxDuration,
  ITERATION_EXECUTOR_COMMON,
  type IterationFields,
  readIterationScenario,
  validateIterationScenario,
} from './iterations.js';
import { describeBase } from './options.js';
import { runClosedLoop } from './vu-loops.js';

/** shared-iterations: `iterations` in total, shared by `vus` VUs, within `maxDurationMs` (default 10 m). */
export interface SharedIterationsScenario extends ScenarioBase, IterationFields {
  executor: 'shared-iterations';
}

/** The shared-iterations executor: `vus` (1), `iterations` (1), `maxDuration` (10m). */
export const sharedIterations: Executor<SharedIterationsScenario> = {
  name: 'shared-iterations',
  ...ITERATION_EXECUTOR_COMMON,
  read: readIterationScenario('shared-iterations'),
  validate: (s) =>
    validateIterationScenario(s, ({ iterations, vus }) =>
      iterations < vus
        ? [
            {
              path: ['iterations'],
              message: `the number of iterations (${iterations}) can't be less than the number of VUs (${vus})`,
            },
          ]
        : [],
    ),
  describe: (s) =>
    `${s.iterations} iterations shared among ${s.vus} VUs${describeBase(s, describeMaxDuration(s))}`,
  scale: (s, tuple) =>
    tuple.whole ? s : { ...s, vus: tuple.scale(s.vus), iterations: tuple.scale(s.iterations) },
  // The iterations go only to the shards that get one of the VUs.
  iterationPart: (s, part) => part.sharedBy(s.vus),
  start(s, context) {
    // This shard's VUs share exactly its share of the iterations (`context.part` is narrowed to
    // the shards that get a VU: `iterationPart`).
    const vus = context.part.count(s.vus);
    return runClosedLoop(context, vus, () => {
      let remaining = context.part.count(s.iterations);
      const take = () => remaining-- > 0;
      return {
        vus: Math.min(vus, Math.max(remaining, 0)),
        endAt: context.startAt + s.maxDurationMs,
        gracefulStopMs: s.gracefulStopMs,
        admit: () => take,
      };
    });
  },
};
