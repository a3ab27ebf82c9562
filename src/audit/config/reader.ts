/** A small typed reader over an untyped config value: every problem is collected with its path. */

import { parseDurationMs } from '../../util/duration.js';
import { isRecord } from '../../util/is-record.js';
import { findNearest, nearestHint } from '../../util/nearest.js';

/** Where a value sits in the config: keys and list indexes from the root. */
export type ConfigPath = ReadonlyArray<string | number>;

/** One problem of a config, at a path (mapped to file:line later when the file tells lines). */
export interface ConfigProblem {
  path: ConfigPath;
  message: string;
  /** `key`: the problem is the key itself (an unknown key), so point at the key, not its value. */
  at?: 'key';
}

/** `steps.soak.duration`, `flow.steps[2].post` (the root is `(config)`). */
export function formatConfigPath(path: ConfigPath): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else text += text === '' ? part : `.${part}`;
  }
  return text === '' ? '(config)' : text;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return JSON.stringify(value);
  return typeof value === 'object' ? 'a map' : String(value);
}

/** Reads values and records what is wrong; a reader is used once per config. */
export class ConfigReader {
  readonly problems: ConfigProblem[] = [];

  /** Records a problem. */
  add(path: ConfigPath, message: string): void {
    this.problems.push({ path, message });
  }

  /** A map whose keys must be among `known` (unknown keys are problems, with a suggestion). */
  object(
    value: unknown,
    path: ConfigPath,
    known: readonly string[],
  ): Record<string, unknown> | undefined {
    if (!isRecord(value)) {
      this.add(path, `must be a map, got ${describe(value)}`);
      return undefined;
    }
    for (const key of Object.keys(value)) {
      if (known.includes(key)) continue;
      const near = findNearest(key, known);
      this.problems.push({
        path: [...path, key],
        message: `unknown key${nearestHint(near)}`,
        at: 'key',
      });
    }
    return value;
  }

  /** A non-empty string. */
  string(value: unknown, path: ConfigPath): string | undefined {
    if (typeof value === 'string' && value.trim() !== '') return value;
    this.add(path, `must be a non-empty text, got ${describe(value)}`);
    return undefined;
  }

  /** A number within bounds (integers only with `integer`). */
  number(
    value: unknown,
    path: ConfigPath,
    bounds: { min?: number; max?: number; integer?: boolean } = {},
  ): number | undefined {
    const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    const ok =
      typeof n === 'number' &&
      Number.isFinite(n) &&
      (!bounds.integer || Number.isInteger(n)) &&
      (bounds.min === undefined || n >= bounds.min) &&
      (bounds.max === undefined || n <= bounds.max);
    if (ok) return n as number;
    const range = [
      bounds.integer ? 'a whole number' : 'a number',
      bounds.min !== undefined ? `≥ ${bounds.min}` : '',
      bounds.max !== undefined ? `≤ ${bounds.max}` : '',
    ]
      .filter(Boolean)
      .join(' ');
    this.add(path, `must be ${range}, got ${describe(value)}`);
    return undefined;
  }

  /** true / false. */
  boolean(value: unknown, path: ConfigPath): boolean | undefined {
    if (typeof value === 'boolean') return value;
    this.add(path, `must be true or false, got ${describe(value)}`);
    return undefined;
  }

  /** A duration (`30s`, `2m`, `1h30m`, `500ms`); a bare number means seconds. Must be > 0. */
  duration(value: unknown, path: ConfigPath): number | undefined {
    const ms =
      typeof value === 'number' || typeof value === 'string'
        ? parseDurationMs(value, 's')
        : undefined;
    if (ms !== undefined && ms > 0) return ms;
    this.add(path, `must be a duration like 30s, 2m or 500ms, got ${describe(value)}`);
    return undefined;
  }

  /** A list of non-empty strings (a single string counts as a list of one). */
  stringList(value: unknown, path: ConfigPath): string[] | undefined {
    const list = typeof value === 'string' ? [value] : value;
    if (!Array.isArray(list)) {
      this.add(path, `must be a list of texts, got ${describe(value)}`);
      return undefined;
    }
    const out: string[] = [];
    for (const [i, item] of list.entries()) {
      const s = this.string(item, [...path, i]);
      if (s !== undefined) out.push(s);
    }
    return out.length === list.length ? out : undefined;
  }

  /** A map of string values (numbers and booleans are turned into text). */
  stringMap(value: unknown, path: ConfigPath): Record<string, string> | undefined {
    if (!isRecord(value)) {
      this.add(path, `must be a map of texts, got ${describe(value)}`);
      return undefined;
    }
    const out: Record<string, string> = {};
    for (const [key, v] of Object.entries(value)) {
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
        out[key] = String(v);
      else this.add([...path, key], `must be a text, got ${describe(v)}`);
    }
    return out;
  }
}
