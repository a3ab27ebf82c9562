/** ramping-arrival-rate: the iteration start rate follows stages (open model, k6 defaults). */
import { formatGoDuration } from '../format.js';
import type { RampingArrivalRateScenario } from '../plan.js';
import { DEFAULT_TIME_UNIT_MS } from './constant-arrival-rate.js';
import {
  describeBase,
  describeVuRange,
  type ExecutorKind,
  type FieldProblem,
  maxTarget,
  perSecond,
  sumStages,
  validateArrivalVus,
  validateScenarioBase,
  validateStages,
} from './executor-kind.js';

/**
 * The ramping-arrival-rate executor: from `startRate` (0) iterations per `timeUnit` (1s) through
 * `stages` (required), with `preAllocatedVUs` (required) and `maxVUs` (= preAllocatedVUs).
 */
export const rampingArrivalRate: ExecutorKind<RampingArrivalRateScenario> = {
  executor: 'ramping-arrival-rate',
  keys: ['startRate', 'timeUnit', 'stages', 'preAllocatedVUs', 'maxVUs'],
  read(reader, base) {
    const preAllocatedVUs = reader.int('preAllocatedVUs') ?? Number.NaN;
    const stages = reader.has('stages') ? reader.stages('stages') : [];
    return {
      ...base,
      executor: 'ramping-arrival-rate',
      startRate: reader.int('startRate', 0) ?? Number.NaN,
      timeUnitMs: reader.duration('timeUnit', DEFAULT_TIME_UNIT_MS) ?? Number.NaN,
      stages: stages ?? [],
      preAllocatedVUs,
      maxVUs: reader.int('maxVUs', preAllocatedVUs) ?? Number.NaN,
    };
  },
  validate(s) {
    const problems: FieldProblem[] = validateScenarioBase(s);
    if (!(s.timeUnitMs > 0)) problems.push({ field: 'timeUnit', message: 'must be more than 0' });
    problems.push(...validateStages(s.stages));
    if (s.stages.length > 0 && !(maxTarget(s.startRate, s.stages) > 0)) {
      problems.push({
        field: 'stages',
        message: 'either startRate or one of the stage targets must be more than 0',
      });
    }
    problems.push(...validateArrivalVus(s.preAllocatedVUs, s.maxVUs));
    return problems;
  },
  describe(s) {
    const peak = perSecond(maxTarget(s.startRate, s.stages), s.timeUnitMs).toFixed(2);
    const total = formatGoDuration(sumStages(s.stages));
    const facts = describeBase(s, describeVuRange(s.preAllocatedVUs, s.maxVUs));
    return `Up to ${peak} iterations/s for ${total} over ${s.stages.length} stages${facts}`;
  },
  maxVUs: (s) => Math.max(s.maxVUs, s.preAllocatedVUs),
  durationMs: (s) => sumStages(s.stages),
};
