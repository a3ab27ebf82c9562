/**
 * Reads of the SLO file's own value kinds (Prometheus labels, percentages, durations) on top of
 * the one input reader.
 */
import type { InputPath, InputReader } from '../util/input-reader.js';
import { isRecord } from '../util/is-record.js';

/** Reads a map of string labels (numbers and booleans are turned into strings). */
export function readLabels(
  value: unknown,
  path: InputPath,
  reader: InputReader,
): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) {
    reader.add(path, 'must be a map of label names to values');
    return {};
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(k))
      reader.add([...path, k], 'is not a valid Prometheus label name');
    else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
      out[k] = String(v);
    else reader.add([...path, k], 'must be a string');
  }
  return out;
}

/** Reads a percentage (`99.9`, `"99.9%"`, or a ratio below 1 like `0.999`). */
export function readPercent(
  value: unknown,
  path: InputPath,
  reader: InputReader,
): number | undefined {
  const text = typeof value === 'string' ? value.trim().replace(/%$/, '') : value;
  const n =
    typeof text === 'string' && text !== ''
      ? Number(text)
      : typeof text === 'number'
        ? text
        : Number.NaN;
  if (!Number.isFinite(n) || n <= 0 || n >= 100) {
    reader.add(
      path,
      `must be a percentage between 0 and 100 exclusive, got ${JSON.stringify(value)}`,
    );
    return undefined;
  }
  return typeof value === 'number' && n < 1 ? n * 100 : n;
}
