/**
 * The one reader of user input (config files, YAML plans, SLO specs, script options): typed reads
 * of untyped values that record every problem — with its path, a "did you mean" for unknown names,
 * and its file:line when the caller knows one — so all problems are reported at once.
 *
 * One problem type ({@link InputProblem}), one path format ({@link formatInputPath}:
 * `scenarios.browse.executor`, `stages[1].target`, `thresholds["http_req_duration{x:y}"]`), one
 * wording of a wrong value ({@link describeInput}) and one suggestion ({@link findNearest}).
 */
import { parseDurationMs } from './duration.js';
import { isRecord } from './is-record.js';
import { findNearest, nearestHint } from './nearest.js';

/** Where a value sits in the input: keys and list indexes from the root. */
export type InputPath = ReadonlyArray<string | number>;

/** A 1-based line and column in the input file. */
export interface InputPosition {
  line: number;
  column: number;
}

/** One problem of the input: where (path, and position when known), what, and how to fix. */
export interface InputProblem {
  path: InputPath;
  message: string;
  /** The nearest valid name, when the problem is an unknown name. */
  suggestion?: string;
  /** Point at the key rather than its value (unknown keys). */
  atKey?: boolean;
  /** Known position (syntax errors); otherwise found from the path by the caller's locator. */
  position?: InputPosition;
}

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

/**
 * Renders a path: plain keys joined by dots, indexes in brackets, other keys quoted in brackets
 * (`scenarios.browse.stages[1].target`, `thresholds["http_req_duration{x:y}"]`). The first
 * segment names the root and stays bare, so it can name where a value came from outside a file
 * (a CLI flag `--vus`, an environment variable `K6_VUS`). The root is the empty string.
 */
export function formatInputPath(path: InputPath): string {
  let text = '';
  for (const [i, segment] of path.entries()) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (i === 0 || PLAIN_KEY.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

/**
 * Reads a path written in the format of {@link formatInputPath} back into segments:
 * `options.thresholds["http_req_duration{x:y}"][0]` -> `options`, `thresholds`, the key, `0`.
 */
export function parseInputPath(text: string): Array<string | number> {
  const segments: Array<string | number> = [];
  const re = /([^.[\]]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/g;
  for (const m of text.matchAll(re)) {
    if (m[1] !== undefined) segments.push(m[1]);
    else if (m[2] !== undefined) segments.push(Number(m[2]));
    else segments.push(JSON.parse(`"${m[3] ?? ''}"`) as string);
  }
  return segments;
}

/** How a wrong value is named in messages: `null`, `a list`, `a map`, `"text"`, `42`, `true`. */
export function describeInput(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object') return 'a map';
  return String(value);
}

/**
 * One problem as one line: `where: path: message; did you mean "x"?` (`where` is `file:line:col`
 * or the file when given; an empty path is left out).
 */
export function formatInputProblem(problem: InputProblem, where?: string): string {
  const path = formatInputPath(problem.path);
  return `${where ? `${where}: ` : ''}${path === '' ? '' : `${path}: `}${problem.message}${nearestHint(problem.suggestion)}`;
}

/** Options of {@link InputProblems.add}. */
export interface AddOptions {
  suggestion?: string | undefined;
  atKey?: boolean;
  position?: InputPosition;
}

/** The problems and warnings found while reading one input; never throws by itself. */
export class InputProblems {
  readonly problems: InputProblem[] = [];
  readonly warnings: InputProblem[] = [];

  /** Records a problem at `path`; the same problem found twice (two checks of one value) once. */
  add(path: InputPath, message: string, options: AddOptions = {}): void {
    const key = formatInputPath(path);
    if (this.problems.some((p) => p.message === message && formatInputPath(p.path) === key)) return;
    const problem: InputProblem = { path, message };
    if (options.suggestion !== undefined) problem.suggestion = options.suggestion;
    if (options.atKey) problem.atKey = true;
    if (options.position) problem.position = options.position;
    this.problems.push(problem);
  }

  /**
   * Records a warning (shown to the user, never fatal); `atKey` when it is about the key being
   * set (an ignored option), so a file locator points at the key.
   */
  warn(path: InputPath, message: string, options: Pick<AddOptions, 'atKey'> = {}): void {
    this.warnings.push(options.atKey ? { path, message, atKey: true } : { path, message });
  }

  /**
   * Records `unknown <noun> "name" [in <where>]` at the key (the last path segment), with the
   * nearest of `valid` as the suggestion.
   */
  unknownKey(path: InputPath, noun: string, valid: Iterable<string>, where?: string): void {
    const name = String(path[path.length - 1]);
    this.add(path, `unknown ${noun} "${name}"${where ? ` in ${where}` : ''}`, {
      suggestion: findNearest(name, valid),
      atKey: true,
    });
  }

  /** Records `unknown <noun> "name"` at the value (`executor: "constant-vu"`), with a suggestion. */
  unknownName(path: InputPath, noun: string, name: string, valid: Iterable<string>): void {
    this.add(path, `unknown ${noun} "${name}"`, { suggestion: findNearest(name, valid) });
  }

  /** Number of problems so far. */
  get count(): number {
    return this.problems.length;
  }
}

/** Bounds of {@link InputReader.number}. */
export interface NumberBounds {
  min?: number;
  max?: number;
  integer?: boolean;
  /** Accept a number written as text (`"10"`), as YAML and env values are. */
  fromText?: boolean;
}

/** Options of {@link InputReader.duration}. */
export interface DurationOptions {
  /** What a bare number means: milliseconds (k6 options) or seconds (config files). */
  bareUnit: 'ms' | 's';
  /** Zero is a problem too (default: zero is allowed). */
  positive?: boolean;
}

/**
 * Durations in hand-written files (audit config, SLO spec): a bare number is seconds, and zero
 * is not a duration. k6 script options differ: a bare number is milliseconds there.
 */
export const FILE_DURATION: DurationOptions = { bareUnit: 's', positive: true };

/**
 * A duration in milliseconds, or the problem with `value` (the wording of
 * {@link InputReader.duration}, for callers that only want to know whether a value is one).
 */
export function readDuration(
  value: unknown,
  options: DurationOptions,
): { ms: number } | { problem: string } {
  const text = typeof value === 'string' ? value.trim() : undefined;
  if (
    (typeof value === 'number' && value < 0) ||
    (text?.startsWith('-') && parseDurationMs(text.slice(1), options.bareUnit) !== undefined)
  ) {
    return { problem: `can't be negative, got ${describeInput(value)}` };
  }
  const ms =
    typeof value === 'number' || typeof value === 'string'
      ? parseDurationMs(value, options.bareUnit)
      : undefined;
  if (ms === undefined) {
    const bare = options.bareUnit === 's' ? 'seconds' : 'milliseconds';
    return {
      problem: `must be a duration such as "30s", "1m30s" or "500ms" (a bare number is ${bare}), got ${describeInput(value)}`,
    };
  }
  if (options.positive && ms === 0)
    return { problem: `must be longer than 0, got ${describeInput(value)}` };
  return { ms };
}

/**
 * Names a field for messages: `pathOf('rate')` is `options.scenarios.x.rate` (or `--vus` for a
 * value given on the command line); `pathOf()` is the map itself; `pathOf('stages', 1)` a sub-path.
 */
export type PathOf = (...field: Array<string | number>) => InputPath;

/** Reads values at paths, recording a problem for each value of the wrong shape. */
export class InputReader {
  readonly problems: InputProblems;

  constructor(problems: InputProblems = new InputProblems()) {
    this.problems = problems;
  }

  /** Records a problem at `path`. */
  add(path: InputPath, message: string, options?: AddOptions): void {
    this.problems.add(path, message, options);
  }

  /** A map; unknown keys (not in `allowed`, when given) are problems with a suggestion. */
  object(
    value: unknown,
    path: InputPath,
    allowed?: readonly string[],
    where?: string,
  ): Record<string, unknown> | undefined {
    if (!isRecord(value)) {
      this.add(path, `must be a map, got ${describeInput(value)}`);
      return undefined;
    }
    if (allowed) {
      for (const key of Object.keys(value)) {
        if (!allowed.includes(key)) this.problems.unknownKey([...path, key], 'key', allowed, where);
      }
    }
    return value;
  }

  /** The entries of a map (none when the value is not a map, which is a problem). */
  entries(value: unknown, path: InputPath): Array<[string, unknown]> {
    const object = this.object(value, path);
    return object ? Object.entries(object) : [];
  }

  /** A list (a single value is not accepted). */
  list(value: unknown, path: InputPath): unknown[] | undefined {
    if (Array.isArray(value)) return value;
    this.add(path, `must be a list, got ${describeInput(value)}`);
    return undefined;
  }

  /** Any string, the empty one included (k6 options where `""` means unset). */
  text(value: unknown, path: InputPath): string | undefined {
    if (typeof value === 'string') return value;
    this.add(path, `must be a string, got ${describeInput(value)}`);
    return undefined;
  }

  /** A non-empty string (a number is taken as its text when `numbers`). */
  string(value: unknown, path: InputPath, numbers = false): string | undefined {
    if (typeof value === 'string' && value.trim() !== '') return value;
    if (numbers && typeof value === 'number' && Number.isFinite(value)) return String(value);
    this.add(path, `must be a non-empty string, got ${describeInput(value)}`);
    return undefined;
  }

  /** A finite number within `bounds`. */
  number(value: unknown, path: InputPath, bounds: NumberBounds = {}): number | undefined {
    const n =
      bounds.fromText && typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)
        ? Number(value)
        : value;
    const ok =
      typeof n === 'number' &&
      Number.isFinite(n) &&
      (!bounds.integer || Number.isInteger(n)) &&
      (bounds.min === undefined || n >= bounds.min) &&
      (bounds.max === undefined || n <= bounds.max);
    if (ok) return n;
    const range = [
      bounds.integer ? 'a whole number' : 'a number',
      bounds.min !== undefined ? `≥ ${bounds.min}` : '',
      bounds.max !== undefined ? `≤ ${bounds.max}` : '',
    ]
      .filter(Boolean)
      .join(' ');
    this.add(path, `must be ${range}, got ${describeInput(value)}`);
    return undefined;
  }

  /** true or false. */
  boolean(value: unknown, path: InputPath): boolean | undefined {
    if (typeof value === 'boolean') return value;
    this.add(path, `must be true or false, got ${describeInput(value)}`);
    return undefined;
  }

  /** A duration in milliseconds: text (`30s`, `2m`, `1h30m`, `500ms`) or a bare number. */
  duration(value: unknown, path: InputPath, options: DurationOptions): number | undefined {
    const read = readDuration(value, options);
    if ('ms' in read) return read.ms;
    this.add(path, read.problem);
    return undefined;
  }

  /**
   * The optional fields of the map `raw`, read with this reader's checks; `pathOf(key)` names a
   * field in messages (by default `path` then the key).
   */
  fields(raw: Record<string, unknown>, pathOf: InputPath | PathOf): InputFields {
    const namer: PathOf = typeof pathOf === 'function' ? pathOf : (...f) => [...pathOf, ...f];
    return new InputFields(this, raw, namer);
  }

  /** A list of non-empty strings (a single string counts as a list of one when `single`). */
  stringList(value: unknown, path: InputPath, single = false): string[] | undefined {
    const list = single && typeof value === 'string' ? [value] : value;
    if (!Array.isArray(list)) {
      this.add(path, `must be a list of strings, got ${describeInput(value)}`);
      return undefined;
    }
    const out: string[] = [];
    for (const [i, item] of list.entries()) {
      const s = this.string(item, [...path, i]);
      if (s !== undefined) out.push(s);
    }
    return out.length === list.length ? out : undefined;
  }

  /**
   * A map of string values (`tags`, `env`, labels); numbers and booleans are turned into text
   * when `scalars`. A wrong value is a problem at its key and is left out.
   */
  stringMap(value: unknown, path: InputPath, scalars = false): Record<string, string> | undefined {
    if (!isRecord(value)) {
      this.add(path, `must be a map of names to strings, got ${describeInput(value)}`);
      return undefined;
    }
    const out: Record<string, string> = {};
    for (const [key, v] of Object.entries(value)) {
      if (typeof v === 'string') out[key] = v;
      else if (scalars && (typeof v === 'number' || typeof v === 'boolean')) out[key] = String(v);
      else this.add([...path, key], `must be a string, got ${describeInput(v)}`);
    }
    return out;
  }
}

/** k6 durations: a bare number is milliseconds. */
const K6_DURATION: DurationOptions = { bareUnit: 'ms' };

/**
 * The optional fields of one map (k6 options, a scenario), read by key with {@link InputReader}'s
 * checks and wording. An unset field (undefined, or null as in k6) gives the fallback; a wrong
 * one is a problem at `pathOf(key)` and reads as undefined (or the fallback where one is given
 * for a boolean).
 */
export class InputFields {
  readonly reader: InputReader;
  readonly raw: Record<string, unknown>;
  readonly pathOf: PathOf;

  constructor(reader: InputReader, raw: Record<string, unknown>, pathOf: PathOf) {
    this.reader = reader;
    this.raw = raw;
    this.pathOf = pathOf;
  }

  /** True when the field is set (null counts as unset, as in k6). */
  has(key: string): boolean {
    const value = this.raw[key];
    return value !== undefined && value !== null;
  }

  /** A whole number ≥ 0; `fallback` when unset. */
  int(key: string, fallback?: number): number | undefined {
    if (!this.has(key)) return fallback;
    return this.reader.number(this.raw[key], this.pathOf(key), { integer: true, min: 0 });
  }

  /** A duration in ms (a bare number is ms, as in k6 options); `fallback` when unset. */
  duration(key: string, fallback?: number): number | undefined {
    if (!this.has(key)) return fallback;
    return this.reader.duration(this.raw[key], this.pathOf(key), K6_DURATION);
  }

  /** true or false; `fallback` when unset or wrong. */
  bool(key: string, fallback: boolean): boolean {
    if (!this.has(key)) return fallback;
    return this.reader.boolean(this.raw[key], this.pathOf(key)) ?? fallback;
  }

  /** A string, the empty one included; `fallback` when unset. */
  string(key: string, fallback?: string): string | undefined {
    if (!this.has(key)) return fallback;
    return this.reader.text(this.raw[key], this.pathOf(key));
  }

  /** A map of string values (`tags`, `env`); `{}` when unset (or not a map). */
  stringMap(key: string): Record<string, string> {
    if (!this.has(key)) return {};
    return this.reader.stringMap(this.raw[key], this.pathOf(key)) ?? {};
  }

  /** A list of strings; `fallback` when unset. */
  stringList(key: string, fallback?: string[]): string[] | undefined {
    if (!this.has(key)) return fallback;
    return this.reader.stringList(this.raw[key], this.pathOf(key));
  }
}
