/**
 * What shared-iterations and per-vu-iterations share: their options (`vus`, `iterations`,
 * `maxDuration`, k6 defaults 1, 1 and 10m), reading, checking and showing them.
 */
import { formatDuration, formatGoDuration } from '../util/duration.js';
import type { FieldProblem, ScenarioReader } from './executor.js';
import { validateMinDuration, validateVus } from './options.js';

/** Default `maxDuration` of the iteration-based executors (k6: 10 minutes). */
export const DEFAULT_MAX_DURATION_MS = 600_000;

/** The options of an iteration-based executor. */
export interface IterationFields {
  vus: number;
  iterations: number;
  /** Cap on the scenario's length (default 10 m); it ends earlier once its iterations are done. */
  maxDurationMs: number;
}

/** Option names of the iteration-based executors. */
export const ITERATION_KEYS = ['vus', 'iterations', 'maxDuration'] as const;

/** Reads `vus`, `iterations` and `maxDuration` with k6's defaults (NaN where wrong). */
export function readIterationFields(reader: ScenarioReader): IterationFields {
  return {
    vus: reader.int('vus', 1) ?? Number.NaN,
    iterations: reader.int('iterations', 1) ?? Number.NaN,
    maxDurationMs: reader.duration('maxDuration', DEFAULT_MAX_DURATION_MS) ?? Number.NaN,
  };
}

/**
 * Checks `vus`, then `iterations` with the executor's own rule, then `maxDuration` (k6's order).
 */
export function validateIterationFields(
  s: IterationFields,
  checkIterations: (s: IterationFields) => FieldProblem[],
): FieldProblem[] {
  return [
    ...validateVus(s.vus),
    ...checkIterations(s),
    ...validateMinDuration('maxDuration', s.maxDurationMs),
  ];
}

/** The `maxDuration: 10m0s` fact of a description. */
export function describeMaxDuration(s: IterationFields): string {
  return `maxDuration: ${formatGoDuration(s.maxDurationMs)}`;
}

/** The options in k6's JSON form. */
export function iterationK6Options(s: IterationFields): Record<string, unknown> {
  return { vus: s.vus, iterations: s.iterations, maxDuration: formatDuration(s.maxDurationMs) };
}
