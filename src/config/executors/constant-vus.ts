/** constant-vus: a fixed number of VUs loop over the script for a duration (k6 defaults). */
import { formatGoDuration } from '../format.js';
import type { ConstantVusScenario } from '../plan.js';
import {
  describeBase,
  type ExecutorKind,
  type FieldProblem,
  validateMinDuration,
  validateScenarioBase,
  validateVus,
} from './executor-kind.js';

/** The constant-vus executor: `vus` (1) and a required `duration` (at least 1s). */
export const constantVus: ExecutorKind<ConstantVusScenario> = {
  executor: 'constant-vus',
  keys: ['vus', 'duration'],
  read(reader, base) {
    return {
      ...base,
      executor: 'constant-vus',
      vus: reader.int('vus', 1) ?? Number.NaN,
      durationMs: reader.duration('duration') ?? Number.NaN,
    };
  },
  validate(s) {
    const problems: FieldProblem[] = validateScenarioBase(s);
    problems.push(...validateVus(s.vus));
    problems.push(...validateMinDuration('duration', s.durationMs));
    return problems;
  },
  describe(s) {
    return `${s.vus} looping VUs for ${formatGoDuration(s.durationMs)}${describeBase(s)}`;
  },
  maxVUs: (s) => s.vus,
  durationMs: (s) => s.durationMs,
};
