/** constant-arrival-rate: iterations start at a fixed rate, whatever the response times (open model). */
import { formatDuration, formatGoDuration } from '../util/duration.js';
import type { InputProblem } from '../util/input-reader.js';
import {
  type ArrivalFields,
  arrivalK6Options,
  arrivalMaxVUs,
  describeVuRange,
  perSecond,
  readArrivalFields,
  startArrivals,
  validateArrivalVus,
} from './arrival-rate.js';
import type { Executor, ScenarioBase } from './executor.js';
import { describeBase, validateMinDuration, validateScenarioBase } from './options.js';

/** constant-arrival-rate: `rate` iterations per `timeUnitMs` (default 1 s) for `durationMs`. */
export interface ConstantArrivalRateScenario extends ScenarioBase, ArrivalFields {
  executor: 'constant-arrival-rate';
  rate: number;
  durationMs: number;
}

/**
 * The constant-arrival-rate executor: `rate` (required) iterations per `timeUnit` (1s) for
 * `duration` (required), with `preAllocatedVUs` (required) and `maxVUs` (= preAllocatedVUs).
 */
export const constantArrivalRate: Executor<ConstantArrivalRateScenario> = {
  name: 'constant-arrival-rate',
  keys: ['rate', 'timeUnit', 'duration', 'preAllocatedVUs', 'maxVUs'],
  read: (reader, base) => ({
    ...base,
    executor: 'constant-arrival-rate',
    rate: reader.int('rate') ?? Number.NaN,
    durationMs: reader.duration('duration') ?? Number.NaN,
    ...readArrivalFields(reader),
  }),
  validate(s) {
    const problems: InputProblem[] = validateScenarioBase(s);
    if (Number.isNaN(s.rate))
      problems.push({ path: ['rate'], message: 'is required (iterations per timeUnit)' });
    else if (!(s.rate > 0))
      problems.push({ path: ['rate'], message: 'the iteration rate must be more than 0' });
    if (!(s.timeUnitMs > 0)) problems.push({ path: ['timeUnit'], message: 'must be more than 0' });
    problems.push(...validateMinDuration('duration', s.durationMs));
    problems.push(...validateArrivalVus(s.preAllocatedVUs, s.maxVUs));
    return problems;
  },
  describe(s) {
    const rate = perSecond(s.rate, s.timeUnitMs).toFixed(2);
    const facts = describeBase(s, describeVuRange(s.preAllocatedVUs, s.maxVUs));
    return `${rate} iterations/s for ${formatGoDuration(s.durationMs)}${facts}`;
  },
  maxVUs: arrivalMaxVUs,
  initialVUs: (s) => s.preAllocatedVUs,
  durationMs: (s) => s.durationMs,
  timeScheduled: true,
  peakIterationRate: (s) => perSecond(s.rate, s.timeUnitMs),
  k6Options: (s) =>
    arrivalK6Options(s, { rate: s.rate }, { duration: formatDuration(s.durationMs) }),
  scale: (s, tuple) =>
    tuple.whole
      ? s
      : {
          ...s,
          rate: s.rate * tuple.share,
          preAllocatedVUs: tuple.scale(s.preAllocatedVUs),
          maxVUs: tuple.scale(s.maxVUs),
        },
  start(s, context) {
    const period = s.timeUnitMs / s.rate;
    return startArrivals(
      {
        dueAt: (g) => g * period,
        durationMs: s.durationMs,
        preAllocatedVUs: s.preAllocatedVUs,
        maxVUs: s.maxVUs,
        gracefulStopMs: s.gracefulStopMs,
      },
      context,
    );
  },
};
