/**
 * `options.thresholds` kept as written, normalised to {@link ThresholdSpec}s; the grammar (metric
 * keys, expressions, aggregations per metric type) is validated by thresholds/parseThresholds so
 * its problems come out together with every other configuration problem.
 */

import type { MetricDescriptor } from '../metrics/metric-types.js';
import { parseThresholds } from '../thresholds/index.js';
import { type InputPath, type InputProblems, readDuration } from '../util/input-reader.js';
import { isRecord } from '../util/is-record.js';
import type { ThresholdSpec } from './plan.js';

/**
 * Normalises `thresholds` (`{ metric: expr | [expr | { threshold, abortOnFail, delayAbortEval,
 * window }] }`) and records every grammar problem (as `options.thresholds[...]`) and warning.
 */
export function readThresholds(
  input: unknown,
  path: InputPath,
  problems: InputProblems,
  metrics?: Iterable<MetricDescriptor>,
): Record<string, ThresholdSpec[]> {
  if (input === undefined || input === null) return {};
  const parsed = parseThresholds(input, metrics === undefined ? {} : { metrics });
  // The grammar names its problems from `thresholds` on (`thresholds.http_req_duration[0]`).
  const base = path[path.length - 1] === 'thresholds' ? path.slice(0, -1) : path;
  for (const { path: at, message, ...rest } of parsed.problems)
    problems.add([...base, ...at], message, rest);
  for (const { path: at, message, atKey } of parsed.warnings)
    problems.warn([...base, ...at], message, atKey ? { atKey } : {});
  if (!isRecord(input)) return {};
  const result: Record<string, ThresholdSpec[]> = {};
  for (const [metric, value] of Object.entries(input)) {
    const entries = Array.isArray(value) ? value : [value];
    const specs = entries.map(toSpec).filter((spec): spec is ThresholdSpec => spec !== undefined);
    result[metric] = specs;
  }
  return result;
}

function toSpec(entry: unknown): ThresholdSpec | undefined {
  if (typeof entry === 'string')
    return { threshold: entry, abortOnFail: false, delayAbortEvalMs: 0 };
  if (!isRecord(entry) || typeof entry['threshold'] !== 'string') return undefined;
  const spec: ThresholdSpec = {
    threshold: entry['threshold'],
    abortOnFail: entry['abortOnFail'] === true,
    delayAbortEvalMs: durationOr(entry['delayAbortEval'], 0),
  };
  if (entry['window'] !== undefined) spec.windowMs = durationOr(entry['window'], 0);
  return spec;
}

function durationOr(value: unknown, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  const parsed = readDuration(value, { bareUnit: 'ms' });
  return 'ms' in parsed ? parsed.ms : fallback;
}
