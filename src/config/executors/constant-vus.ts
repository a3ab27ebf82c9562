/** constant-vus: a fixed number of VUs loop over the script for a duration (k6 defaults). */
import { formatGoDuration } from '../format.js';
import type { ConstantVusScenario } from '../plan.js';
import {
  describeBase,
  type ExecutorKind,
  type FieldProblem,
  MAX_VUS,
  validateMinDuration,
  validateScenarioBase,
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
    if (!(s.vus > 0))
      problems.push({ field: 'vus', message: 'the number of VUs must be more than 0' });
    if (s.vus > MAX_VUS)
      problems.push({ field: 'vus', message: `exceeds the limit of ${MAX_VUS}` });
    problems.push(...validateMinDuration('duration', s.durationMs));
    return problems;
  },
  describe(s) {
    return `${s.vus} looping VUs for ${formatGoDuration(s.durationMs)}${describeBase(s)}`;
  },
  maxVUs: (s) => s.vus,
  durationMs: (s) => s.durationMs,
};
