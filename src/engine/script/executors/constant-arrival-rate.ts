/** constant-arrival-rate: `rate` iterations per `timeUnit`, whatever the response times (open model). */
import type { ConstantArrivalRateScenario } from '../../../config/plan.js';
import { runArrivals } from './arrival-rate.js';
import type { Executor, ExecutorContext } from './executor.js';

/** Creates a constant-arrival-rate executor. */
export function createConstantArrivalRate(
  scenario: ConstantArrivalRateScenario,
  context: ExecutorContext,
): Executor {
  const stopper = new AbortController();
  const period = scenario.timeUnitMs / scenario.rate;
  return {
    run: () =>
      runArrivals(
        {
          dueAt: (g) => g * period,
          durationMs: scenario.durationMs,
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
