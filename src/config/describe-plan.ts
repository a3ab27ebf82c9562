/**
 * The plan as k6 prints it before a run (`scenarios: (100.00%) 1 scenario, 300 max VUs, 45m30s
 * max duration (incl. graceful stop):` and one `* name: ...` line per scenario), and the max-VUs
 * and max-duration helpers behind it.
 */

import type { ScenarioPlan } from '../executors/registry.js';
import { executorOf } from '../executors/registry.js';
import { formatGoDuration } from '../util/duration.js';
import { plural } from './format.js';
import type { Plan } from './plan.js';

/** Most VUs one scenario can use at once (its executor's `maxVUs`). */
export function maxVUs(scenario: ScenarioPlan): number {
  return executorOf(scenario).maxVUs(scenario);
}

/**
 * Longest a scenario can run, from its own start: its duration (maxDuration for iteration-based
 * executors, the sum of stages for ramping ones) plus gracefulStop. startTime is not included.
 */
export function maxDurationMs(scenario: ScenarioPlan): number {
  return executorOf(scenario).durationMs(scenario) + scenario.gracefulStopMs;
}

/** When the last scenario can end, from the test start (startTime + maxDurationMs), in ms. */
export function planMaxDurationMs(scenarios: readonly ScenarioPlan[]): number {
  let end = 0;
  for (const s of scenarios) end = Math.max(end, s.startTimeMs + maxDurationMs(s));
  return end;
}

/** Scenarios in k6's display order: by startTime, then by name. */
export function sortScenarios(scenarios: readonly ScenarioPlan[]): ScenarioPlan[] {
  return [...scenarios].sort(
    (a, b) => a.startTimeMs - b.startTimeMs || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
}

/**
 * Most VUs the whole plan needs at once, taking start times into account: the largest sum over
 * scenarios active at the same moment. Each scenario holds its VUs from startTime until
 * startTime + maxDurationMs, all of them unless its executor says otherwise (`reservation`:
 * ramping-vus follows its stages and keeps ramped-down VUs for gracefulRampDown).
 */
export function planMaxVUs(scenarios: readonly ScenarioPlan[]): number {
  const times = new Set<number>();
  for (const s of scenarios) for (const t of breakpoints(s)) times.add(t);
  let best = 0;
  for (const t of times) {
    let atT = 0;
    let beforeT = 0;
    for (const s of scenarios) {
      atT += vusAt(s, t, false);
      beforeT += vusAt(s, t, true);
    }
    best = Math.max(best, atT, beforeT);
  }
  return best;
}

/** Test times at which the VUs `s` holds can change. */
function breakpoints(s: ScenarioPlan): number[] {
  const start = s.startTimeMs;
  const changes = executorOf(s).reservation?.(s).changes ?? [];
  return [start, start + maxDurationMs(s), ...changes.map((local) => start + local)];
}

/** VUs a scenario holds at test time `t` (or just before `t` when `left`). */
function vusAt(s: ScenarioPlan, t: number, left: boolean): number {
  const start = s.startTimeMs;
  const end = start + maxDurationMs(s);
  const active = left ? t > start && t <= end : t >= start && t < end;
  if (!active) return 0;
  const reservation = executorOf(s).reservation?.(s);
  return reservation ? reservation.at(t - start) : maxVUs(s);
}

/** Options of {@link describePlan}. */
export interface DescribePlanOptions {
  /** Share of the whole test this instance runs (execution segment), 0..1; default 1. */
  segment?: number;
}

/**
 * k6's scenario header: the `scenarios: ...` line, then one `* name: description` line per
 * scenario (sorted by startTime, then name). Lines have no indentation; the caller adds it.
 */
export function describePlan(
  plan: Pick<Plan, 'scenarios'>,
  options: DescribePlanOptions = {},
): string[] {
  const scenarios = sortScenarios(plan.scenarios);
  const share = ((options.segment ?? 1) * 100).toFixed(2);
  const duration = formatGoDuration(Math.round(planMaxDurationMs(scenarios) / 100) * 100);
  const header =
    `scenarios: (${share}%) ${plural(scenarios.length, 'scenario')}, ${planMaxVUs(scenarios)} max VUs, ` +
    `${duration} max duration (incl. graceful stop):`;
  return [header, ...scenarios.map((s) => `* ${s.name}: ${executorOf(s).describe(s)}`)];
}
