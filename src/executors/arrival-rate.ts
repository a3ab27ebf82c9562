/**
 * What constant- and ramping-arrival-rate share: their VU options and the open-model run, where iteration i of the scenario
 * is due at a precomputed time (from the start, never chained); this shard takes the global slots
 * its ShardPart owns (its process's execution segment, striped over the shards). A due slot runs on an idle VU, on a new VU while fewer than maxVUs exist,
 * or is dropped (`dropped_iterations`), as in k6.
 */

import { formatDuration } from '../util/duration.js';
import type { InputFields, InputProblem } from '../util/input-reader.js';
import type { ExecutorContext, ScenarioRun, ScenarioVu } from './executor.js';
import { MAX_VUS } from './options.js';
import { finishLoops, sleepUntil } from './vu-loops.js';

/** k6's default arrival-rate time unit (1 s). */
export const DEFAULT_TIME_UNIT_MS = 1000;

/** The options both arrival-rate executors have besides their rate. */
export interface ArrivalFields {
  timeUnitMs: number;
  preAllocatedVUs: number;
  /** Defaults to preAllocatedVUs. */
  maxVUs: number;
}

/** Reads `timeUnit` (1s), `preAllocatedVUs` (required) and `maxVUs` (= preAllocatedVUs). */
export function readArrivalFields(reader: InputFields): ArrivalFields {
  const preAllocatedVUs = reader.int('preAllocatedVUs') ?? Number.NaN;
  return {
    timeUnitMs: reader.duration('timeUnit', DEFAULT_TIME_UNIT_MS) ?? Number.NaN,
    preAllocatedVUs,
    maxVUs: reader.int('maxVUs', preAllocatedVUs) ?? Number.NaN,
  };
}

/** k6's JSON form of an arrival-rate scenario: `rate` fields, `timeUnit`, its length, its VUs. */
export function arrivalK6Options(
  s: ArrivalFields,
  rate: Record<string, number>,
  length: Record<string, unknown>,
): Record<string, unknown> {
  return {
    ...rate,
    timeUnit: formatDuration(s.timeUnitMs),
    ...length,
    preAllocatedVUs: s.preAllocatedVUs,
    maxVUs: s.maxVUs,
  };
}

/** Most VUs an arrival-rate scenario can use at once. */
export function arrivalMaxVUs(s: ArrivalFields): number {
  return Math.max(s.maxVUs, s.preAllocatedVUs);
}

/** `maxVUs: 10` or `maxVUs: 10-50` (k6's arrival-rate description fact). */
export function describeVuRange(preAllocatedVUs: number, maxVUs: number): string {
  return maxVUs > preAllocatedVUs
    ? `maxVUs: ${preAllocatedVUs}-${maxVUs}`
    : `maxVUs: ${preAllocatedVUs}`;
}

/** Checks pre-allocated and max VUs of the arrival-rate executors. */
export function validateArrivalVus(preAllocatedVUs: number, maxVUs: number): InputProblem[] {
  const problems: InputProblem[] = [];
  if (Number.isNaN(preAllocatedVUs)) {
    problems.push({
      path: ['preAllocatedVUs'],
      message: 'is required (VUs to start before the scenario begins)',
    });
  } else if (maxVUs < preAllocatedVUs) {
    problems.push({
      path: ['maxVUs'],
      message: `can't be less than preAllocatedVUs (${preAllocatedVUs}), got ${maxVUs}`,
    });
  } else if (maxVUs === 0) {
    problems.push({
      path: ['maxVUs'],
      message: 'must be more than 0, or no iteration could ever start',
    });
  }
  if (maxVUs > MAX_VUS)
    problems.push({ path: ['maxVUs'], message: `exceeds the limit of ${MAX_VUS}` });
  return problems;
}

/** Iterations per second of `rate` per `timeUnitMs`. */
export function perSecond(rate: number, timeUnitMs: number): number {
  return timeUnitMs > 0 ? (rate * 1000) / timeUnitMs : 0;
}

/** Inputs of {@link runArrivals}. */
export interface ArrivalPlan {
  /** Due time (ms after the scenario start) of global slot g, or undefined past the end. */
  dueAt(globalSlot: number): number | undefined;
  durationMs: number;
  preAllocatedVUs: number;
  maxVUs: number;
  gracefulStopMs: number;
}

/** Starts an arrival-rate scenario on one shard: {@link runArrivals} until stopped. */
export function startArrivals(plan: ArrivalPlan, context: ExecutorContext): ScenarioRun {
  const stopper = new AbortController();
  return {
    run: () => runArrivals(plan, context, stopper.signal),
    stop: () => stopper.abort(),
  };
}

/** Runs an arrival-rate scenario on this shard until its end (graceful stop included). */
async function runArrivals(
  plan: ArrivalPlan,
  context: ExecutorContext,
  stop: AbortSignal,
): Promise<void> {
  const { runner } = context;
  runner.reserved = context.part.count(plan.preAllocatedVUs);
  await sleepUntil(context.startAt, stop);
  const localMax = Math.max(context.part.count(plan.maxVUs), 0);
  const idle: ScenarioVu[] = [];
  const all: ScenarioVu[] = [];
  for (let i = 0; i < context.part.count(plan.preAllocatedVUs); i++) {
    const vu = runner.createVu();
    idle.push(vu);
    all.push(vu);
  }
  const running = new Set<Promise<void>>();
  const endAt = context.startAt + plan.durationMs;
  let local = 0;
  const start = (vu: ScenarioVu) => {
    runner.active++;
    const p: Promise<void> = runner.iterate(vu).then(() => {
      runner.active--;
      running.delete(p);
      if (!stop.aborted) idle.push(vu);
    });
    running.add(p);
  };
  while (!stop.aborted) {
    const due = plan.dueAt(context.part.index(local));
    if (due === undefined || due >= plan.durationMs) break;
    await sleepUntil(context.startAt + due, stop);
    if (stop.aborted) break;
    // Dispatch every slot that is due now (timers fire late under load; the schedule does not move).
    const now = performance.now() - context.startAt;
    for (;;) {
      const at = plan.dueAt(context.part.index(local));
      if (at === undefined || at > now || at >= plan.durationMs) break;
      local++;
      const vu = idle.pop();
      if (vu) start(vu);
      else if (all.length < localMax) {
        const fresh = runner.createVu();
        all.push(fresh);
        start(fresh);
      } else context.dropped.add(1);
    }
  }
  runner.endSchedule(runner.active);
  await finishLoops(runner, all, [...running], endAt + plan.gracefulStopMs, stop);
}
