/** ramping-arrival-rate: the arrival rate follows the stages linearly from startRate (open model). */
import type { RampingArrivalRateScenario } from '../../../config/plan.js';
import { runArrivals } from './arrival-rate.js';
import type { Executor, ExecutorContext } from './executor.js';
import { stagesDuration, timeOfCount } from './stages.js';

/** Creates a ramping-arrival-rate executor. */
export function createRampingArrivalRate(
  scenario: RampingArrivalRateScenario,
  context: ExecutorContext,
): Executor {
  const stopper = new AbortController();
  const perMs = (rate: number) => rate / scenario.timeUnitMs;
  const stages = scenario.stages.map((s) => ({
    durationMs: s.durationMs,
    ratePerMs: perMs(s.target),
  }));
  return {
    run: () =>
      runArrivals(
        {
          // Slot g is due when the cumulative arrivals reach g (the first one at the start).
          dueAt: (g) => timeOfCount(perMs(scenario.startRate), stages, g),
          durationMs: stagesDuration(scenario.stages),
          preAllocatedVUs: scenario.preAllocatedVUs,
          maxVUs: scenario.maxVUs,
          gracefulStopMs: scenario.gracefulStopMs,
        },
        context,
        stopper.signal,
      ),
    stop: () => stopper.abort(),
  };
}
