/** ramping-arrival-rate: the iteration start rate follows stages (open model, k6 defaults). */
import { formatGoDuration } from '../util/duration.js';
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
import type { Executor, ScenarioBase, Stage } from './executor.js';
import { describeBase, validateScenarioBase } from './options.js';
import {
  k6Stages,
  maxTarget,
  readStages,
  stagesDuration,
  timeOfCount,
  validateStages,
} from './stages.js';

/** ramping-arrival-rate: from `startRate` (default 0) iterations per `timeUnitMs` through `stages`. */
export interface RampingArrivalRateScenario extends ScenarioBase, ArrivalFields {
  executor: 'ramping-arrival-rate';
  startRate: number;
  stages: Stage[];
}

/**
 * The ramping-arrival-rate executor: from `startRate` (0) iterations per `timeUnit` (1s) through
 * `stages` (required), with `preAllocatedVUs` (required) and `maxVUs` (= preAllocatedVUs).
 */
export const rampingArrivalRate: Executor<RampingArrivalRateScenario> = {
  name: 'ramping-arrival-rate',
  keys: ['startRate', 'timeUnit', 'stages', 'preAllocatedVUs', 'maxVUs'],
  read(reader, base) {
    const stages = readStages(reader, 'stages');
    return {
      ...base,
      executor: 'ramping-arrival-rate',
      startRate: reader.int('startRate', 0) ?? Number.NaN,
      stages: stages ?? [],
      ...readArrivalFields(reader),
    };
  },
  validate(s) {
    const problems: InputProblem[] = validateScenarioBase(s);
    if (!(s.timeUnitMs > 0)) problems.push({ path: ['timeUnit'], message: 'must be more than 0' });
    problems.push(...validateStages(s.stages));
    if (s.stages.length > 0 && !(maxTarget(s.startRate, s.stages) > 0)) {
      problems.push({
        path: ['stages'],
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
  maxVUs: arrivalMaxVUs,
  initialVUs: (s) => s.preAllocatedVUs,
  durationMs: (s) => stagesDuration(s.stages),
  timeScheduled: true,
  peakIterationRate: (s) => perSecond(maxTarget(s.startRate, s.stages), s.timeUnitMs),
  stages: (s) => s.stages,
  k6Options: (s) => arrivalK6Options(s, { startRate: s.startRate }, { stages: k6Stages(s.stages) }),
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
    const perMs = (rate: number) => rate / s.timeUnitMs;
    const stages = s.stages.map((stage) => ({
      durationMs: stage.durationMs,
      ratePerMs: perMs(stage.target),
    }));
    return startArrivals(
      {
        // Slot g is due when the cumulative arrivals reach g (the first one at the start).
        dueAt: (g) => timeOfCount(perMs(s.startRate), stages, g),
        durationMs: stagesDuration(s.stages),
        preAllocatedVUs: s.preAllocatedVUs,
        maxVUs: s.maxVUs,
        gracefulStopMs: s.gracefulStopMs,
      },
      context,
    );
  },
};
