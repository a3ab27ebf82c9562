/** ramping-vus: the number of looping VUs follows stages (k6 defaults: startVUs 1, gracefulRampDown 30s). */
import { formatGoDuration } from '../format.js';
import type { RampingVusScenario } from '../plan.js';
import {
  describeBase,
  type ExecutorKind,
  type FieldProblem,
  MAX_VUS,
  maxTarget,
  sumStages,
  validateScenarioBase,
  validateStages,
} from './executor-kind.js';

/** k6's default graceful ramp-down (30 s). */
export const DEFAULT_GRACEFUL_RAMP_DOWN_MS = 30_000;

/** The ramping-vus executor: `startVUs` (1), `stages` (required), `gracefulRampDown` (30s). */
export const rampingVus: ExecutorKind<RampingVusScenario> = {
  executor: 'ramping-vus',
  keys: ['startVUs', 'stages', 'gracefulRampDown'],
  read(reader, base) {
    const stages = reader.has('stages') ? reader.stages('stages') : [];
    return {
      ...base,
      executor: 'ramping-vus',
      startVUs: reader.int('startVUs', 1) ?? Number.NaN,
      stages: stages ?? [],
      gracefulRampDownMs:
        reader.duration('gracefulRampDown', DEFAULT_GRACEFUL_RAMP_DOWN_MS) ??
        DEFAULT_GRACEFUL_RAMP_DOWN_MS,
    };
  },
  validate(s) {
    const problems: FieldProblem[] = validateScenarioBase(s);
    problems.push(...validateStages(s.stages));
    if (s.stages.length > 0 && !(maxTarget(s.startVUs, s.stages) > 0)) {
      problems.push({
        field: 'stages',
        message: 'either startVUs or one of the stage targets must be more than 0',
      });
    }
    if (s.startVUs > MAX_VUS)
      problems.push({ field: 'startVUs', message: `exceeds the limit of ${MAX_VUS}` });
    s.stages.forEach((stage, i) => {
      if (stage.target > MAX_VUS) {
        problems.push({
          field: `stages[${i}].target`,
          message: `exceeds the limit of ${MAX_VUS} VUs`,
        });
      }
    });
    return problems;
  },
  describe(s) {
    const facts = describeBase(s, `gracefulRampDown: ${formatGoDuration(s.gracefulRampDownMs)}`);
    const total = formatGoDuration(sumStages(s.stages));
    return `Up to ${maxTarget(s.startVUs, s.stages)} looping VUs for ${total} over ${s.stages.length} stages${facts}`;
  },
  maxVUs: (s) => maxTarget(s.startVUs, s.stages),
  durationMs: (s) => sumStages(s.stages),
};
