/**
 * How config names where an option value came from: the raw options object and the path namer
 * that maps a field to the script's `options`, a CLI flag or an environment variable. Values are
 * read with util's `InputReader` / `InputFields`.
 */

import type { InputPath, PathOf } from '../util/input-reader.js';

/** An options object as the script wrote it. */
export type RawObject = Record<string, unknown>;

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
