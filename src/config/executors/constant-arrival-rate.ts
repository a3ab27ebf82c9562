/** constant-arrival-rate: iterations start at a fixed rate, whatever the response times (open model). */
import { formatGoDuration } from '../format.js';
import type { ConstantArrivalRateScenario } from '../plan.js';
import {
  describeBase,
  describeVuRange,
  type ExecutorKind,
  type FieldProblem,
  perSecond,
  validateArrivalVus,
  validateMinDuration,
  validateScenarioBase,
} from './executor-kind.js';

/** k6's default arrival-rate time unit (1 s). */
export const DEFAULT_TIME_UNIT_MS = 1000;

/**
 * The constant-arrival-rate executor: `rate` (required) iterations per `timeUnit` (1s) for
 * `duration` (required), with `preAllocatedVUs` (required) and `maxVUs` (= preAllocatedVUs).
 */
export const constantArrivalRate: ExecutorKind<ConstantArrivalRateScenario> = {
  executor: 'constant-arrival-rate',
  keys: ['rate', 'timeUnit', 'duration', 'preAllocatedVUs', 'maxVUs'],
  read(reader, base) {
    const preAllocatedVUs = reader.int('preAllocatedVUs') ?? Number.NaN;
    return {
      ...base,
      executor: 'constant-arrival-rate',
      rate: reader.int('rate') ?? Number.NaN,
      timeUnitMs: reader.duration('timeUnit', DEFAULT_TIME_UNIT_MS) ?? Number.NaN,
      durationMs: reader.duration('duration') ?? Number.NaN,
      preAllocatedVUs,
      maxVUs: reader.int('maxVUs', preAllocatedVUs) ?? Number.NaN,
    };
  },
  validate(s) {
    const problems: FieldProblem[] = validateScenarioBase(s);
    if (Number.isNaN(s.rate))
      problems.push({ field: 'rate', message: 'is required (iterations per timeUnit)' });
    else if (!(s.rate > 0))
      problems.push({ field: 'rate', message: 'the iteration rate must be more than 0' });
    if (!(s.timeUnitMs > 0)) problems.push({ field: 'timeUnit', message: 'must be more than 0' });
    problems.push(...validateMinDuration('duration', s.durationMs));
    problems.push(...validateArrivalVus(s.preAllocatedVUs, s.maxVUs));
    return problems;
  },
  describe(s) {
    const rate = perSecond(s.rate, s.timeUnitMs).toFixed(2);
    const facts = describeBase(s, describeVuRange(s.preAllocatedVUs, s.maxVUs));
    return `${rate} iterations/s for ${formatGoDuration(s.durationMs)}${facts}`;
  },
  maxVUs: (s) => Math.max(s.maxVUs, s.preAllocatedVUs),
  durationMs: (s) => s.durationMs,
};
