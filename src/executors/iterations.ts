/**
 * What shared-iterations and per-vu-iterations share: their options (`vus`, `iterations`,
 * `maxDuration`, k6 defaults 1, 1 and 10m), reading, checking and showing them.
 */
import { formatDuration, formatGoDuration } from '../util/duration.js';
import type { InputFields, InputProblem } from '../util/input-reader.js';
import type { ScenarioBase } from './executor.js';
import { validateMinDuration, validateScenarioBase, validateVus } from './options.js';

/** Default `maxDuration` of the iteration-based executors (k6: 10 minutes). */
export const DEFAULT_MAX_DURATION_MS = 600_000;

/** The options of an iteration-based executor. */
export interface IterationFields {
  vus: number;
  iterations: number;
  /** Cap on the scenario's length (default 10 m); it ends earlier once its iterations are done. */
  maxDurationMs: number;
}

/** Reads `vus`, `iterations` and `maxDuration` with k6's defaults (NaN where wrong). */
export function readIterationFields(reader: InputFields): IterationFields {
  return {
    vus: reader.int('vus', 1) ?? Number.NaN,
    iterations: reader.int('iterations', 1) ?? Number.NaN,
    maxDurationMs: reader.duration('maxDuration', DEFAULT_MAX_DURATION_MS) ?? Number.NaN,
  };
}

/** The `read` of the iteration executor named `executor`: the shared options and its own. */
export function readIterationScenario<N extends string>(
  executor: N,
): (reader: InputFields, base: ScenarioBase) => ScenarioBase & IterationFields & { executor: N } {
  return (reader, base) => ({ ...base, executor, ...readIterationFields(reader) });
}

/**
 * Checks the shared options, `vus`, then `iterations` with the executor's own rule, then
 * `maxDuration` (k6's order).
 */
export function validateIterationScenario(
  s: ScenarioBase & IterationFields,
  checkIterations: (s: IterationFields) => InputProblem[],
): InputProblem[] {
  return [
    ...validateScenarioBase(s),
    ...validateVus(s.vus),
    ...checkIterations(s),
    ...validateMinDuration('maxDuration', s.maxDurationMs),
  ];
}

/** The `maxDuration: 10m0s` fact of a description. */
export function describeMaxDuration(s: IterationFields): string {
  return `maxDuration: ${formatGoDuration(s.maxDurationMs)}`;
}

/**
 * The members both iteration executors have alike: their keys, sizes (all VUs from the start,
 * `maxDuration` only a cap) and k6 JSON form.
 */
export const ITERATION_EXECUTOR_COMMON = {
  keys: ['vus', 'iterations', 'maxDuration'],
  maxVUs: (s: IterationFields) => s.vus,
  initialVUs: (s: IterationFields) => s.vus,
  durationMs: (s: IterationFields) => s.maxDurationMs,
  timeScheduled: false,
  k6Options: (s: IterationFields): Record<string, unknown> => ({
    vus: s.vus,
    iterations: s.iterations,
    maxDuration: formatDuration(s.maxDurationMs),
  }),
} as const;
