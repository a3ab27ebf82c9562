/**
 * The options every scenario shares (startTime, gracefulStop, exec, env, tags) and the checks
 * several executors share (VU counts, minimum durations), with k6's defaults and limits.
 */
import { formatGoDuration } from '../util/duration.js';
import type { InputFields, InputProblem } from '../util/input-reader.js';
import type { ScenarioBase } from './executor.js';

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

/** Reads the options every scenario shares, with k6's defaults. */
export function readScenarioBase(name: string, reader: InputFields): ScenarioBase {
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
export function validateScenarioBase(base: ScenarioBase): InputProblem[] {
  const problems: InputProblem[] = [];
  if (!SCENARIO_NAME.test(base.name)) {
    problems.push({
      path: [],
      message: `scenario name "${base.name}" may only contain latin letters, digits, "_" and "-"`,
    });
  }
  if (base.exec === '') problems.push({ path: ['exec'], message: "can't be empty" });
  if (base.startTimeMs < 0) problems.push({ path: ['startTime'], message: "can't be negative" });
  if (base.gracefulStopMs < 0)
    problems.push({ path: ['gracefulStop'], message: "can't be negative" });
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

/** Checks the `vus` of a closed-model executor: more than 0, at most {@link MAX_VUS}. */
export function validateVus(vus: number): InputProblem[] {
  if (!(vus > 0)) return [{ path: ['vus'], message: 'the number of VUs must be more than 0' }];
  if (vus > MAX_VUS) return [{ path: ['vus'], message: `exceeds the limit of ${MAX_VUS}` }];
  return [];
}

/** Checks a duration field: set and at least {@link MIN_DURATION_MS}. */
export function validateMinDuration(field: string, ms: number | undefined): InputProblem[] {
  if (ms === undefined || Number.isNaN(ms))
    return [{ path: [field], message: 'is required (e.g. "30s")' }];
  if (ms < MIN_DURATION_MS) {
    return [{ path: [field], message: `must be at least 1s, got ${formatGoDuration(ms)}` }];
  }
  return [];
}
