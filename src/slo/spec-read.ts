/** Readers shared by the SLO file validators: labels, durations, percentages, problem lists. */
import { parseDurationMs } from '../util/duration.js';
import { isRecord } from '../util/is-record.js';

/** Collects problems with their place in the file. */
export class Problems {
  readonly list: string[] = [];
  readonly #where: (path: Array<string | number>) => string;
  constructor(where: (path: Array<string | number>) => string) {
    this.#where = where;
  }
  /** Records a problem at `path` (keys and indexes into the document). */
  add(path: Array<string | number>, message: string): void {
    this.list.push(`${this.#where(path)}${path.length ? `${path.join('.')}: ` : ''}${message}`);
  }
}

/** Reads a map of string labels (numbers and booleans are turned into strings). */
export function readLabels(
  value: unknown,
  path: Array<string | number>,
  problems: Problems,
): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) {
    problems.add(path, 'must be a map of label names to values');
    return {};
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(k))
      problems.add([...path, k], 'is not a valid Prometheus label name');
    else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
      out[k] = String(v);
    else problems.add([...path, k], 'must be a string');
  }
  return out;
}

/** Reads a duration (`5m`, `1h`, `30d`) in ms, or records a problem. */
export function readDuration(
  value: unknown,
  path: Array<string | number>,
  problems: Problems,
): number | undefined {
  const ms =
    typeof value === 'string' || typeof value === 'number'
      ? parseDurationMs(value, 's')
      : undefined;
  if (ms === undefined || ms <= 0) {
    problems.add(path, `invalid duration ${JSON.stringify(value)} (use 5m, 1h, 30d)`);
    return undefined;
  }
  return ms;
}

/** Reads a percentage (`99.9`, `"99.9%"`, or a ratio below 1 like `0.999`). */
export function readPercent(
  value: unknown,
  path: Array<string | number>,
  problems: Problems,
): number | undefined {
  const text = typeof value === 'string' ? value.trim().replace(/%$/, '') : value;
  const n =
    typeof text === 'string' && text !== ''
      ? Number(text)
      : typeof text === 'number'
        ? text
        : Number.NaN;
  if (!Number.isFinite(n) || n <= 0 || n >= 100) {
    problems.add(
      path,
      `must be a percentage between 0 and 100 exclusive, got ${JSON.stringify(value)}`,
    );
    return undefined;
  }
  return typeof value === 'number' && n < 1 ? n * 100 : n;
}
