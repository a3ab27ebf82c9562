/** per-vu-iterations: every VU runs the same number of iterations (k6 defaults). */
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

/** per-vu-iterations: each of `vus` VUs runs `iterations`, within `maxDurationMs` (default 10 m). */
export interface PerVuIterationsScenario extends ScenarioBase, IterationFields {
  executor: 'per-vu-iterations';
}

/** The per-vu-iterations executor: `vus` (1), `iterations` per VU (1), `maxDuration` (10m). */
export const perVuIterations: Executor<PerVuIterationsScenario> = {
  name: 'per-vu-iterations',
  ...ITERATION_EXECUTOR_COMMON,
  read: readIterationScenario('per-vu-iterations'),
  validate: (s) =>
    validateIterationScenario(s, ({ iterations }) =>
      iterations > 0
        ? []
        : [{ path: ['iterations'], message: 'the number of iterations must be more than 0' }],
    ),
  describe: (s) =>
    `${s.iterations} iterations for each of ${s.vus} VUs${describeBase(s, describeMaxDuration(s))}`,
  // `iterations` is per VU: only the VUs are striped.
  scale: (s, tuple) => (tuple.whole ? s : { ...s, vus: tuple.scale(s.vus) }),
  start(s, context) {
    const vus = context.part.count(s.vus);
    return runClosedLoop(context, vus, () => ({
      vus,
      endAt: context.startAt + s.maxDurationMs,
      gracefulStopMs: s.gracefulStopMs,
      admit: () => {
        let left = s.iterations;
        return () => left-- > 0;
      },
    }));
  },
};
