/** ramping-arrival-rate: the iteration start rate follows stages (open model, k6 defaults). */
import { formatGoDuration } from '../util/duration.js';
import {
  DEFAULT_TIME_UNIT_MS,
  describeVuRange,
  perSecond,
  runArrivals,
  validateArrivalVus,
} from './arrival-rate.js';
import type { Executor, FieldProblem, ScenarioBase, Stage } from './executor.js';
import { describeBase, validateScenarioBase } from './options.js';
import { maxTarget, stagesDuration, timeOfCount, validateStages } from './stages.js';

/** ramping-arrival-rate: from `startRate` (default 0) iterations per `timeUnitMs` through `stages`. */
export interface RampingArrivalRateScenario extends ScenarioBase {
  executor: 'ramping-arrival-rate';
  startRate: number;
  timeUnitMs: number;
  stages: Stage[];
  preAllocatedVUs: number;
  maxVUs: number;
}

/**
 * The ramping-arrival-rate executor: from `startRate` (0) iterations per `timeUnit` (1s) through
 * `stages` (required), with `preAllocatedVUs` (required) and `maxVUs` (= preAllocatedVUs).
 */
export const rampingArrivalRate: Executor<RampingArrivalRateScenario> = {
  name: 'ramping-arrival-rate',
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
    const total = formatGoDuration(stagesDuration(s.stages));
    const facts = describeBase(s, describeVuRange(s.preAllocatedVUs, s.maxVUs));
    return `Up to ${peak} iterations/s for ${total} over ${s.stages.length} stages${facts}`;
  },
  maxVUs: (s) => Math.max(s.maxVUs, s.preAllocatedVUs),
  initialVUs: (s) => s.preAllocatedVUs,
  durationMs: (s) => stagesDuration(s.stages),
  scale: (s, tuple) =>
    tuple.whole
      ? s
      : {
          ...s,
          startRate: s.startRate * tuple.share,
          stages: s.stages.map((stage) => ({ ...stage, target: stage.target * tuple.share })),
          preAllocatedVUs: tuple.scale(s.preAllocatedVUs),
          maxVUs: tuple.scale(s.maxVUs),
        },
  start(s, context) {
    // The arrival rate follows the stages linearly from startRate.
    const stopper = new AbortController();
    const perMs = (rate: number) => rate / s.timeUnitMs;
    const stages = s.stages.map((stage) => ({
      durationMs: stage.durationMs,
      ratePerMs: perMs(stage.target),
    }));
    return {
      run: () =>
        runArrivals(
          {
            // Slot g is due when the cumulative arrivals reach g (the first one at the start).
            dueAt: (g) => timeOfCount(perMs(s.startRate), stages, g),
            durationMs: stagesDuration(s.stages),
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
