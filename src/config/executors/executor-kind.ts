/**
 * The small interface every executor's configuration implements (one file per executor), plus
 * the options all scenarios share (startTime, gracefulStop, exec, env, tags).
 */
import { formatGoDuration } from '../format.js';
import type { ExecutorName, ScenarioBase, ScenarioPlan, Stage } from '../plan.js';
import type { FieldReader } from '../read-values.js';

/** A problem in one scenario, named by its k6 field (`rate`, `stages[2].target`). */
export interface FieldProblem {
  field: string;
  message: string;
}

/** k6's default graceful stop of every scenario (30 s). */
export const DEFAULT_GRACEFUL_STOP_MS = 30_000;

/** k6's shortest allowed `duration`/`maxDuration` (1 s). */
export const MIN_DURATION_MS = 1000;

/** k6's sanity limit on VUs of one scenario. */
export const MAX_VUS = 100_000_000;

/** Options every scenario accepts, whatever its executor. */
export const COMMON_SCENARIO_KEYS = [
  'executor',
  'startTime',
  'gracefulStop',
  'exec',
  'env',
  'tags',
  'options',
] as const;

/** The configuration side of one executor: read, validate and describe its scenarios. */
export interface ExecutorKind<S extends ScenarioPlan = ScenarioPlan> {
  /** The `executor` value (`constant-vus`, ...). */
  readonly executor: S['executor'];
  /** Options specific to this executor (besides {@link COMMON_SCENARIO_KEYS}). */
  readonly keys: readonly string[];
  /**
   * Reads the executor's own fields from a raw scenario with k6's defaults filled in. Wrong
   * types are recorded on the reader's problem list; the result then holds placeholder values
   * and must not be used (the caller checks the problem count).
   */
  read(reader: FieldReader, base: ScenarioBase): S;
  /** k6's semantic checks of a complete scenario (positive VUs, maxVUs >= preAllocatedVUs, ...). */
  validate(scenario: S): FieldProblem[];
  /** k6's one-line description (`10 looping VUs for 1m0s (gracefulStop: 30s)`). */
  describe(scenario: S): string;
  /** Most VUs this scenario can use at once. */
  maxVUs(scenario: S): number;
  /** Length of the scenario without startTime and gracefulStop (maxDuration for iteration executors). */
  durationMs(scenario: S): number;
}

/** Reads the options every scenario shares, with k6's defaults. */
export function readScenarioBase(name: string, reader: FieldReader): ScenarioBase {
  return {
    name,
    startTimeMs: reader.duration('startTime', 0) ?? 0,
    gracefulStopMs:
      reader.duration('gracefulStop', DEFAULT_GRACEFUL_STOP_MS) ?? DEFAULT_GRACEFUL_STOP_MS,
    exec: reader.string('exec', 'default') ?? 'default',
    env: reader.stringMap('env'),
    tags: reader.stringMap('tags'),
  };
}

const SCENARIO_NAME = /^[0-9a-zA-Z_-]+$/;

/** k6's checks of the shared options (name characters, non-empty exec, non-negative times). */
export function validateScenarioBase(base: ScenarioBase): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!SCENARIO_NAME.test(base.name)) {
    problems.push({
      field: 'name',
      message: `scenario name "${base.name}" may only contain latin letters, digits, "_" and "-"`,
    });
  }
  if (base.exec === '') problems.push({ field: 'exec', message: "can't be empty" });
  if (base.startTimeMs < 0) problems.push({ field: 'startTime', message: "can't be negative" });
  if (base.gracefulStopMs < 0)
    problems.push({ field: 'gracefulStop', message: "can't be negative" });
  return problems;
}

/** k6's ` (fact, exec: x, startTime: 10s, gracefulStop: 30s)` suffix of a description. */
export function describeBase(base: ScenarioBase, ...facts: string[]): string {
  const all = [...facts];
  if (base.exec !== 'default') all.push(`exec: ${base.exec}`);
  if (base.startTimeMs > 0) all.push(`startTime: ${formatGoDuration(base.startTimeMs)}`);
  if (base.gracefulStopMs > 0) all.push(`gracefulStop: ${formatGoDuration(base.gracefulStopMs)}`);
  return all.length === 0 ? '' : ` (${all.join(', ')})`;
}

/** Sum of the stages' durations. */
export function sumStages(stages: readonly Stage[]): number {
  let total = 0;
  for (const stage of stages) total += stage.durationMs;
  return total;
}

/** The highest of `start` and every stage target. */
export function maxTarget(start: number, stages: readonly Stage[]): number {
  let max = start;
  for (const stage of stages) if (stage.target > max) max = stage.target;
  return max;
}

/** k6's stage checks: at least one stage (targets and durations were checked when read). */
export function validateStages(stages: readonly Stage[]): FieldProblem[] {
  return stages.length === 0 ? [{ field: 'stages', message: 'at least one stage is needed' }] : [];
}

/** Checks the `vus` of a closed-model executor: more than 0, at most {@link MAX_VUS}. */
export function validateVus(vus: number): FieldProblem[] {
  if (!(vus > 0)) return [{ field: 'vus', message: 'the number of VUs must be more than 0' }];
  if (vus > MAX_VUS) return [{ field: 'vus', message: `exceeds the limit of ${MAX_VUS}` }];
  return [];
}

/** Checks a duration field: set and at least {@link MIN_DURATION_MS}. */
export function validateMinDuration(field: string, ms: number | undefined): FieldProblem[] {
  if (ms === undefined || Number.isNaN(ms)) return [{ field, message: 'is required (e.g. "30s")' }];
  if (ms < MIN_DURATION_MS) {
    return [{ field, message: `must be at least 1s, got ${formatGoDuration(ms)}` }];
  }
  return [];
}

/** `maxVUs: 10` or `maxVUs: 10-50` (k6's arrival-rate description fact). */
export function describeVuRange(preAllocatedVUs: number, maxVUs: number): string {
  return maxVUs > preAllocatedVUs
    ? `maxVUs: ${preAllocatedVUs}-${maxVUs}`
    : `maxVUs: ${preAllocatedVUs}`;
}

/** Checks pre-allocated and max VUs of the arrival-rate executors. */
export function validateArrivalVus(preAllocatedVUs: number, maxVUs: number): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (Number.isNaN(preAllocatedVUs)) {
    problems.push({
      field: 'preAllocatedVUs',
      message: 'is required (VUs to start before the scenario begins)',
    });
  } else if (maxVUs < preAllocatedVUs) {
    problems.push({
      field: 'maxVUs',
      message: `can't be less than preAllocatedVUs (${preAllocatedVUs}), got ${maxVUs}`,
    });
  } else if (maxVUs === 0) {
    problems.push({
      field: 'maxVUs',
      message: 'must be more than 0, or no iteration could ever start',
    });
  }
  if (maxVUs > MAX_VUS)
    problems.push({ field: 'maxVUs', message: `exceeds the limit of ${MAX_VUS}` });
  return problems;
}

/** Iterations per second of `rate` per `timeUnitMs`. */
export function perSecond(rate: number, timeUnitMs: number): number {
  return timeUnitMs > 0 ? (rate * 1000) / timeUnitMs : 0;
}

/** True when `name` is one of the executors. */
export function isExecutorName(
  name: string,
  kinds: Readonly<Record<ExecutorName, unknown>>,
): name is ExecutorName {
  return Object.hasOwn(kinds, name);
}
