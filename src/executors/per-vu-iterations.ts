/** per-vu-iterations: every VU runs the same number of iterations (k6 defaults). */
import { formatGoDuration } from '../util/duration.js';
import type { Executor, FieldProblem, ScenarioBase } from './executor.js';
import { describeBase, validateMinDuration, validateScenarioBase, validateVus } from './options.js';
import { DEFAULT_MAX_DURATION_MS } from './shared-iterations.js';
import { runClosedLoop } from './vu-loops.js';

/** per-vu-iterations: each of `vus` VUs runs `iterations`, within `maxDurationMs` (default 10 m). */
export interface PerVuIterationsScenario extends ScenarioBase {
  executor: 'per-vu-iterations';
  vus: number;
  iterations: number;
  maxDurationMs: number;
}

/** The per-vu-iterations executor: `vus` (1), `iterations` per VU (1), `maxDuration` (10m). */
export const perVuIterations: Executor<PerVuIterationsScenario> = {
  name: 'per-vu-iterations',
  keys: ['vus', 'iterations', 'maxDuration'],
  read(reader, base) {
    return {
      ...base,
      executor: 'per-vu-iterations',
      vus: reader.int('vus', 1) ?? Number.NaN,
      iterations: reader.int('iterations', 1) ?? Number.NaN,
      maxDurationMs: reader.duration('maxDuration', DEFAULT_MAX_DURATION_MS) ?? Number.NaN,
    };
  },
  validate(s) {
    const problems: FieldProblem[] = validateScenarioBase(s);
    problems.push(...validateVus(s.vus));
    if (!(s.iterations > 0)) {
      problems.push({
        field: 'iterations',
        message: 'the number of iterations must be more than 0',
      });
    }
    problems.push(...validateMinDuration('maxDuration', s.maxDurationMs));
    return problems;
  },
  describe(s) {
    const facts = describeBase(s, `maxDuration: ${formatGoDuration(s.maxDurationMs)}`);
    return `${s.iterations} iterations for each of ${s.vus} VUs${facts}`;
  },
  maxVUs: (s) => s.vus,
  initialVUs: (s) => s.vus,
  durationMs: (s) => s.maxDurationMs,
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
