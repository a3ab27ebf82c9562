/** Typed reads of YAML values (objects with known keys, numbers, durations, strings) that record problems. */

import { parseDurationMs } from '../../util/duration.js';
import { isRecord } from '../../util/is-record.js';
import type { YamlPath } from './model.js';
import type { PlanProblems } from './plan-problems.js';

/** A plain YAML mapping. */
export type YamlObject = Record<string, unknown>;

/** `a number`, `a list`, `"text"`: how a value is named in messages. */
export function describeYaml(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `"${value}"`;
  return String(value);
}

/** Reads values at paths, recording a problem for each value of the wrong shape. */
export class ValueReader {
  readonly problems: PlanProblems;

  constructor(problems: PlanProblems) {
    this.problems = problems;
  }

  /** A mapping whose keys are all in `allowed` (unknown keys are problems with a suggestion). */
  object(
    value: unknown,
    path: YamlPath,
    what: string,
    allowed?: readonly string[],
  ): YamlObject | undefined {
    if (!isRecord(value)) {
      this.problems.add(path, `${what} must be a mapping, got ${describeYaml(value)}`);
      return undefined;
    }
    if (allowed) {
      for (const key of Object.keys(value)) {
        if (!allowed.includes(key)) this.problems.unknownKey([...path, key], 'key', allowed, what);
      }
    }
    return value;
  }

  /** A list (a single value is not accepted). */
  list(value: unknown, path: YamlPath, what: string): unknown[] | undefined {
    if (!Array.isArray(value)) {
      this.problems.add(path, `${what} must be a list, got ${describeYaml(value)}`);
      return undefined;
    }
    return value;
  }

  /** A non-empty string. */
  string(value: unknown, path: YamlPath, what: string): string | undefined {
    if (typeof value === 'string' && value !== '') return value;
    if (typeof value === 'number') return String(value);
    this.problems.add(path, `${what} must be text, got ${describeYaml(value)}`);
    return undefined;
  }

  /** A finite number >= `min` (integer when `integer`). */
  number(
    value: unknown,
    path: YamlPath,
    what: string,
    min = 0,
    integer = false,
  ): number | undefined {
    const n =
      typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isFinite(n)) {
      this.problems.add(path, `${what} must be a number, got ${describeYaml(value)}`);
      return undefined;
    }
    if (integer && !Number.isInteger(n)) {
      this.problems.add(path, `${what} must be a whole number, got ${n}`);
      return undefined;
    }
    if (n < min) {
      this.problems.add(path, `${what} must be at least ${min}, got ${n}`);
      return undefined;
    }
    return n;
  }

  /**
   * A duration in milliseconds: text (`30s`, `2m`, `1h30m`, `500ms`) or a bare number in
   * `bareUnit` (Artillery writes seconds).
   */
  durationMs(
    value: unknown,
    path: YamlPath,
    _what: string,
    bareUnit: 'ms' | 's' = 's',
  ): number | undefined {
    const ms =
      typeof value === 'number' || typeof value === 'string'
        ? parseDurationMs(value, bareUnit)
        : undefined;
    if (ms === undefined) {
      this.problems.add(
        path,
        `expected a duration (a number of ${bareUnit === 's' ? 'seconds' : 'milliseconds'}, or text such as "30s", "2m", "500ms"), got ${describeYaml(value)}`,
      );
    }
    return ms;
  }

  /** A boolean. */
  bool(value: unknown, path: YamlPath, what: string): boolean | undefined {
    if (typeof value === 'boolean') return value;
    this.problems.add(path, `${what} must be true or false, got ${describeYaml(value)}`);
    return undefined;
  }

  /** A mapping of string keys to any values, as entries. */
  entries(value: unknown, path: YamlPath, what: string): Array<[string, unknown]> {
    const object = this.object(value, path, what);
    return object ? Object.entries(object) : [];
  }
}
