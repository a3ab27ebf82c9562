/** constant-arrival-rate: iterations start at a fixed rate, whatever the response times (open model). */
import { formatGoDuration } from '../util/duration.js';
import {
  DEFAULT_TIME_UNIT_MS,
  describeVuRange,
  perSecond,
  runArrivals,
  validateArrivalVus,
} from './arrival-rate.js';
import type { Executor, FieldProblem, ScenarioBase } from './executor.js';
import { describeBase, validateMinDuration, validateScenarioBase } from './options.js';

/** constant-arrival-rate: `rate` iterations per `timeUnitMs` (default 1 s) for `durationMs`. */
export interface ConstantArrivalRateScenario extends ScenarioBase {
  executor: 'constant-arrival-rate';
  rate: number;
  timeUnitMs: number;
  durationMs: number;
  preAllocatedVUs: number;
  /** Defaults to preAllocatedVUs. */
  maxVUs: number;
}

/**
 * The constant-arrival-rate executor: `rate` (required) iterations per `timeUnit` (1s) for
 * `duration` (required), with `preAllocatedVUs` (required) and `maxVUs` (= preAllocatedVUs).
 */
export const constantArrivalRate: Executor<ConstantArrivalRateScenario> = {
  name: 'constant-arrival-rate',
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
  initialVUs: (s) => s.preAllocatedVUs,
  durationMs: (s) => s.durationMs,
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
    const stopper = new AbortController();
    const period = s.timeUnitMs / s.rate;
    return {
      run: () =>
        runArrivals(
          {
            dueAt: (g) => g * period,
            durationMs: s.durationMs,
            preAllocatedVUs: s.preAllocatedVUs,
            maxVUs: s.maxVUs,
            gracefulStopMs: s.gracefulStopMs,
          },
          context,
          stopper.signal,
        ),
      stop: () => stopper.abort(),
    };
  },
};
