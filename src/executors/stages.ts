/**
 * The one stage arithmetic of the ramping executors: a piecewise-linear curve of VU targets or
 * arrival rates — its length, stage ends, peak, value at time t and (for rates) when its integral
 * reaches n — reading a stage list, k6's check of it and its JSON form.
 */
import { formatDuration } from '../util/duration.js';
import { describeInput, type InputFields, type InputProblem } from '../util/input-reader.js';
import { isRecord } from '../util/is-record.js';
import type { Stage } from './executor.js';

const STAGE_KEYS = ['duration', 'target'];

/**
 * Reads the stage list `[{ duration, target }]` at `key`: every stage needs both, the duration a
 * non-negative duration and the target a whole number ≥ 0. Undefined when unset or wrong (every
 * problem recorded on the reader).
 */
export function readStages(fields: InputFields, key: string): Stage[] | undefined {
  if (!fields.has(key)) return undefined;
  const value = fields.raw[key];
  if (!Array.isArray(value)) {
    fields.reader.add(
      fields.pathOf(key),
      `must be a list of { duration, target } stages, got ${describeInput(value)}`,
    );
    return undefined;
  }
  const stages: Stage[] = [];
  for (const [index, item] of value.entries()) {
    const stage = readStage(fields, item, key, index);
    if (stage) stages.push(stage);
  }
  return stages.length === value.length ? stages : undefined;
}

function readStage(
  fields: InputFields,
  item: unknown,
  key: string,
  index: number,
): Stage | undefined {
  const r = fields.reader;
  const path = fields.pathOf(key, index);
  if (!isRecord(item)) {
    r.add(
      path,
      `stage ${index + 1} must be a map { duration, target }, got ${describeInput(item)}`,
    );
    return undefined;
  }
  const before = r.problems.count;
  r.object(item, path, STAGE_KEYS, `stage ${index + 1}`);
  const stage = r.fields(item, path);
  if (!stage.has('duration')) r.add([...path, 'duration'], `stage ${index + 1} has no duration`);
  if (!stage.has('target')) r.add([...path, 'target'], `stage ${index + 1} has no target`);
  const durationMs = stage.duration('duration');
  const target = stage.int('target');
  if (r.problems.count > before || durationMs === undefined || target === undefined)
    return undefined;
  return { durationMs, target };
}

/** Total length of the stages in ms. */
export function stagesDuration(stages: readonly Stage[]): number {
  return stages.reduce((sum, s) => sum + s.durationMs, 0);
}

/** The end of each stage, in ms from the start of the first. */
export function stageEnds(stages: readonly Stage[]): number[] {
  const ends: number[] = [];
  let t = 0;
  for (const stage of stages) {
    t += stage.durationMs;
    ends.push(t);
  }
  return ends;
}

/** Stages in k6's JSON form (`[{ duration: '10s', target: 5 }]`). */
export function k6Stages(stages: readonly Stage[]): Array<{ duration: string; target: number }> {
  return stages.map((s) => ({ duration: formatDuration(s.durationMs), target: s.target }));
}

/** The highest of `start` and every stage target. */
export function maxTarget(start: number, stages: readonly Stage[]): number {
  let max = start;
  for (const stage of stages) if (stage.target > max) max = stage.target;
  return max;
}

/** k6's stage checks: at least one stage (targets and durations were checked when read). */
export function validateStages(stages: readonly Stage[]): InputProblem[] {
  return stages.length === 0 ? [{ path: ['stages'], message: 'at least one stage is needed' }] : [];
}

/** The value at `t` ms: linear from `start` through each stage's target; the last target after the end. */
export function valueAt(start: number, stages: readonly Stage[], t: number): number {
  let from = start;
  let elapsed = 0;
  for (const stage of stages) {
    if (t < elapsed + stage.durationMs) {
      const progress = stage.durationMs === 0 ? 1 : (t - elapsed) / stage.durationMs;
      return from + (stage.target - from) * progress;
    }
    elapsed += stage.durationMs;
    from = stage.target;
  }
  return from;
}

/**
 * For a rate curve (per ms), the time at which the cumulative count reaches `n` (n ≥ 0), or
 * undefined when it is never reached within the stages. Within a stage the rate is
 * r(x) = r0 + (r1 - r0)·x/D, so the count is r0·x + (r1 - r0)·x²/(2D): solve for x.
 */
export function timeOfCount(
  startRatePerMs: number,
  stages: ReadonlyArray<{ durationMs: number; ratePerMs: number }>,
  n: number,
): number | undefined {
  let r0 = startRatePerMs;
  let elapsed = 0;
  let counted = 0;
  for (const stage of stages) {
    const r1 = stage.ratePerMs;
    const d = stage.durationMs;
    const inStage = ((r0 + r1) / 2) * d;
    if (counted + inStage >= n && d > 0) {
      const need = n - counted;
      const a = (r1 - r0) / (2 * d);
      let x: number;
      if (Math.abs(a) < 1e-15) x = r0 > 0 ? need / r0 : 0;
      else x = (-r0 + Math.sqrt(Math.max(0, r0 * r0 + 4 * a * need))) / (2 * a);
      return elapsed + Math.min(d, Math.max(0, x));
    }
    counted += inStage;
    elapsed += d;
    r0 = r1;
  }
  return undefined;
}
