/** Typed reading of raw option values (numbers, durations, maps, stages) that records every problem. */

import type { Stage } from '../executors/executor.js';
import { parseDurationMs } from '../util/duration.js';
import { describeInput, type InputPath, type InputProblems } from '../util/input-reader.js';
import { isRecord } from '../util/is-record.js';
import { findNearest } from '../util/nearest.js';

/** An options object as the script wrote it. */
export type RawObject = Record<string, unknown>;

/**
 * Names a field for messages: `pathOf('rate')` is `options.scenarios.x.rate`, or `--vus` for a CLI
 * value; `pathOf()` is the object itself; `pathOf('stages', 1, 'target')` a sub-path.
 */
export type PathOf = (...field: Array<string | number>) => InputPath;

/**
 * A path namer: fields go under `prefix` unless `origins` names where the field came from
 * (`{ vus: ['--vus'] }`); sub-paths are kept (`stages`, 1, `target` -> `options.stages[1].target`).
 */
export function createPathOf(
  prefix: InputPath,
  origins: Readonly<Record<string, InputPath>> = {},
): PathOf {
  return (...field) => {
    const [head, ...rest] = field;
    if (head === undefined) return prefix;
    const origin = origins[String(head)];
    return origin === undefined ? [...prefix, ...field] : [...origin, ...rest];
  };
}

/** Parses a duration value (number = ms, or text such as `1m30s`); a message when invalid. */
export function parseDurationValue(value: unknown): { ms: number } | { error: string } {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { error: `${value} is not a duration` };
    if (value < 0) return { error: "can't be negative" };
    return { ms: value };
  }
  if (typeof value !== 'string') {
    return { error: `must be a duration such as "30s" or "1m30s", got ${describeInput(value)}` };
  }
  const text = value.trim();
  if (text.startsWith('-') && parseDurationMs(text.slice(1)) !== undefined)
    return { error: "can't be negative" };
  const ms = parseDurationMs(text);
  if (ms === undefined)
    return { error: `"${value}" is not a duration (e.g. "30s", "1m30s", "500ms")` };
  return { ms };
}

/** Reads the fields of one raw object, recording a problem for every wrong value. */
export class FieldReader {
  readonly raw: RawObject;
  readonly problems: InputProblems;
  readonly pathOf: PathOf;

  constructor(raw: RawObject, problems: InputProblems, pathOf: PathOf) {
    this.raw = raw;
    this.problems = problems;
    this.pathOf = pathOf;
  }

  /** True when the field is set (null counts as unset, as in k6). */
  has(key: string): boolean {
    const value = this.raw[key];
    return value !== undefined && value !== null;
  }

  /** A whole number >= 0; `fallback` when unset; undefined when wrong (problem recorded). */
  int(key: string, fallback?: number): number | undefined {
    if (!this.has(key)) return fallback;
    return readInt(this.raw[key], this.pathOf(key), this.problems);
  }

  /** A duration in ms; `fallback` when unset. */
  duration(key: string, fallback?: number): number | undefined {
    if (!this.has(key)) return fallback;
    const parsed = parseDurationValue(this.raw[key]);
    if ('error' in parsed) {
      this.problems.add(this.pathOf(key), parsed.error);
      return undefined;
    }
    return parsed.ms;
  }

  /** true or false; `fallback` when unset. */
  bool(key: string, fallback: boolean): boolean {
    if (!this.has(key)) return fallback;
    const value = this.raw[key];
    if (typeof value === 'boolean') return value;
    this.problems.add(this.pathOf(key), `must be true or false, got ${describeInput(value)}`);
    return fallback;
  }

  /** A string; `fallback` when unset. */
  string(key: string, fallback?: string): string | undefined {
    if (!this.has(key)) return fallback;
    const value = this.raw[key];
    if (typeof value === 'string') return value;
    this.problems.add(this.pathOf(key), `must be a string, got ${describeInput(value)}`);
    return fallback;
  }

  /** An object of string values (`tags`, `env`); `{}` when unset. */
  stringMap(key: string): Record<string, string> {
    if (!this.has(key)) return {};
    return readStringMap(this.raw[key], this.pathOf(key), this.problems);
  }

  /** A list of strings; `fallback` when unset. */
  stringList(key: string, fallback?: string[]): string[] | undefined {
    if (!this.has(key)) return fallback;
    const value = this.raw[key];
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return [...value];
    this.problems.add(this.pathOf(key), `must be a list of strings, got ${describeInput(value)}`);
    return fallback;
  }

  /** Stages `[{ duration, target }]`; undefined when unset or wrong. */
  stages(key: string): Stage[] | undefined {
    if (!this.has(key)) return undefined;
    return readStages(this.raw[key], (...sub) => this.pathOf(key, ...sub), this.problems);
  }
}

function readInt(value: unknown, path: InputPath, problems: InputProblems): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    problems.add(path, `must be a whole number, got ${describeInput(value)}`);
    return undefined;
  }
  if (!Number.isInteger(value)) {
    problems.add(path, `must be a whole number, got ${value}`);
    return undefined;
  }
  if (value < 0) {
    problems.add(path, `can't be negative, got ${value}`);
    return undefined;
  }
  return value;
}

/** Reads an object of string values, one problem per non-string value. */
export function readStringMap(
  value: unknown,
  path: InputPath,
  problems: InputProblems,
): Record<string, string> {
  if (!isRecord(value)) {
    problems.add(path, `must be an object of name: "value" pairs, got ${describeInput(value)}`);
    return {};
  }
  const result: Record<string, string> = {};
  for (const [name, item] of Object.entries(value)) {
    if (typeof item === 'string') result[name] = item;
    else problems.add([...path, name], `must be a string, got ${describeInput(item)}`);
  }
  return result;
}

const STAGE_KEYS = ['duration', 'target'];

/**
 * Reads `[{ duration, target }]`: every stage needs both, the duration a valid non-negative
 * duration and the target a whole number >= 0. `pathOf(1, 'target')` names a field.
 */
export function readStages(
  value: unknown,
  pathOf: PathOf,
  problems: InputProblems,
): Stage[] | undefined {
  if (!Array.isArray(value)) {
    problems.add(
      pathOf(),
      `must be a list of { duration, target } stages, got ${describeInput(value)}`,
    );
    return undefined;
  }
  const stages: Stage[] = [];
  let ok = true;
  value.forEach((item, index) => {
    const stage = readStage(item, index, pathOf, problems);
    if (stage) stages.push(stage);
    else ok = false;
  });
  return ok ? stages : undefined;
}

function readStage(
  item: unknown,
  index: number,
  pathOf: PathOf,
  problems: InputProblems,
): Stage | undefined {
  const at = (...field: Array<string | number>) => pathOf(index, ...field);
  if (!isRecord(item)) {
    problems.add(
      at(),
      `stage ${index + 1} must be an object { duration, target }, got ${describeInput(item)}`,
    );
    return undefined;
  }
  const before = problems.count;
  for (const key of Object.keys(item)) {
    if (!STAGE_KEYS.includes(key)) {
      problems.add(at(key), `unknown field "${key}" in stage ${index + 1}`, {
        suggestion: findNearest(key, STAGE_KEYS),
      });
    }
  }
  const reader = new FieldReader(item, problems, (...field) => at(...field));
  if (!reader.has('duration')) problems.add(at('duration'), `stage ${index + 1} has no duration`);
  if (!reader.has('target')) problems.add(at('target'), `stage ${index + 1} has no target`);
  const durationMs = reader.duration('duration');
  const target = reader.int('target');
  if (problems.count > before || durationMs === undefined || target === undefined) return undefined;
  return { durationMs, target };
}
