/** shared-iterations: a total number of iterations shared by a fixed number of VUs (k6 defaults). */
import { formatGoDuration } from '../format.js';
import type { SharedIterationsScenario } from '../plan.js';
import {
  describeBase,
  type ExecutorKind,
  type FieldProblem,
  validateMinDuration,
  validateScenarioBase,
  validateVus,
} from './executor-kind.js';

/** Default `maxDuration` of the iteration-based executors (k6: 10 minutes). */
export const DEFAULT_MAX_DURATION_MS = 600_000;

/** The shared-iterations executor: `vus` (1), `iterations` (1), `maxDuration` (10m). */
export const sharedIterations: ExecutorKind<SharedIterationsScenario> = {
  executor: 'shared-iterations',
  keys: ['vus', 'iterations', 'maxDuration'],
  read(reader, base) {
    return {
      ...base,
      executor: 'shared-iterations',
      vus: reader.int('vus', 1) ?? Number.NaN,
      iterations: reader.int('iterations', 1) ?? Number.NaN,
      maxDurationMs: reader.duration('maxDuration', DEFAULT_MAX_DURATION_MS) ?? Number.NaN,
    };
  },
  validate(s) {
    const problems: FieldProblem[] = validateScenarioBase(s);
    problems.push(...validateVus(s.vus));
    if (s.iterations < s.vus) {
      problems.push({
        field: 'iterations',
        message: `the number of iterations (${s.iterations}) can't be less than the number of VUs (${s.vus})`,
      });
    }
    problems.push(...validateMinDuration('maxDuration', s.maxDurationMs));
    return problems;
  },
  describe(s) {
    const facts = describeBase(s, `maxDuration: ${formatGoDuration(s.maxDurationMs)}`);
    return `${s.iterations} iterations shared among ${s.vus} VUs${facts}`;
  },
  maxVUs: (s) => s.vus,
  durationMs: (s) => s.maxDurationMs,
};
