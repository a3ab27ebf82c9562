/** per-vu-iterations: every VU runs the same number of iterations (k6 defaults). */
import { formatGoDuration } from '../format.js';
import type { PerVuIterationsScenario } from '../plan.js';
import {
  describeBase,
  type ExecutorKind,
  type FieldProblem,
  validateMinDuration,
  validateScenarioBase,
  validateVus,
} from './executor-kind.js';
import { DEFAULT_MAX_DURATION_MS } from './shared-iterations.js';

/** The per-vu-iterations executor: `vus` (1), `iterations` per VU (1), `maxDuration` (10m). */
export const perVuIterations: ExecutorKind<PerVuIterationsScenario> = {
  executor: 'per-vu-iterations',
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
  durationMs: (s) => s.maxDurationMs,
};
