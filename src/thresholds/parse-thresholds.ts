/**
 * Parses and validates the `thresholds` option (k6's shape) into {@link ThresholdDefinition}s,
 * reporting every problem at once:
 *
 * ```
 * thresholds: {
 *   '<metric>[{tag:value,...}]': '<expr>' | [ '<expr>' | {
 *     threshold: '<expr>', abortOnFail?: boolean, delayAbortEval?: '10s',
 *     window?: '30s'            // Redline: evaluate over the last 30 s (sliding window)
 *   }, ... ]
 * }
 * ```
 */

import { ExitCode } from '../errors/exit-codes.js';
import { RedlineError } from '../errors/redline-error.js';
import { BUILTIN_METRICS } from '../metrics/builtin.js';
import type { MetricDescriptor } from '../metrics/metric-types.js';
import {
  formatInputProblem,
  type InputPath,
  type InputProblem,
  InputProblems,
  InputReader,
} from '../util/input-reader.js';
import { isRecord } from '../util/is-record.js';
import { findNearest, nearestHint } from '../util/nearest.js';
import { redactTags, redactText } from '../util/redact.js';
import { formatAggregation, parseThresholdExpression } from './parse-expression.js';
import { formatMetricKey, parseMetricKey } from './parse-metric-key.js';
import { AGGREGATIONS_BY_TYPE, type MetricKey, type ThresholdDefinition } from './types.js';

const OBJECT_KEYS = ['threshold', 'abortOnFail', 'delayAbortEval', 'window'];

/** Threshold durations are k6's: a bare number is milliseconds. */
const K6_DURATION = { bareUnit: 'ms' } as const;

/** Options of {@link parseThresholds}. */
export interface ParseThresholdsOptions {
  /** Metrics declared so far (custom metrics of the script); built-in metrics are always known. */
  metrics?: Iterable<MetricDescriptor>;
  /** Treat a metric that is neither built-in nor declared as an error (default: a warning). */
  strictMetricNames?: boolean;
}

/**
 * What {@link parseThresholds} found. Problems and warnings are the input reader's, with paths
 * from `thresholds` on (`thresholds.http_req_duration[0]`, `thresholds["http_req_duration{x:y}"]`).
 */
export interface ParsedThresholds {
  thresholds: ThresholdDefinition[];
  /**
   * Every sub-metric a key names (`http_req_duration{name:login}`), with or without thresholds
   * (k6 keeps the sub-metric of a key whose list is empty): the result lists them. Keyed as
   * saved (redacted like the thresholds' keys).
   */
  subMetrics: Array<{ metricKey: string; metric: MetricKey }>;
  problems: InputProblem[];
  /** Not errors, but worth telling (e.g. a metric not declared yet). */
  warnings: InputProblem[];
}

/** The parse in progress: the reader that records problems, and the definitions so far. */
interface ParseState {
  r: InputReader;
  thresholds: ThresholdDefinition[];
  subMetrics: ParsedThresholds['subMetrics'];
}

/** Parses a `thresholds` object; never throws (see {@link assertValidThresholds}). */
export function parseThresholds(
  input: unknown,
  options: ParseThresholdsOptions = {},
): ParsedThresholds {
  const problems = new InputProblems();
  const state: ParseState = { r: new InputReader(problems), thresholds: [], subMetrics: [] };
  if (input !== undefined && input !== null) {
    if (!isRecord(input)) {
      problems.add(
        ['thresholds'],
        'must be a map of metric name -> list of expressions, e.g. { http_req_duration: ["p(95)<500"] }',
      );
    } else {
      const known = new Map<string, MetricDescriptor>(Object.entries(BUILTIN_METRICS));
      for (const d of options.metrics ?? []) known.set(d.name, d);
      for (const [metricKey, value] of Object.entries(input)) {
        parseMetricEntry(metricKey, value, known, options, state);
      }
    }
  }
  return {
    thresholds: state.thresholds,
    subMetrics: state.subMetrics,
    problems: problems.problems,
    warnings: problems.warnings,
  };
}

function parseMetricEntry(
  writtenKey: string,
  value: unknown,
  known: ReadonlyMap<string, MetricDescriptor>,
  options: ParseThresholdsOptions,
  state: ParseState,
): void {
  const { r } = state;
  const key = parseMetricKey(writtenKey);
  // Series tags are redacted when created (MetricRegistry), so a filter on a URL with a token
  // must be redacted the same way to match; the key is then shown and saved redacted too.
  let metricKey = redactText(writtenKey);
  if (key.ok && key.key.tags) {
    const tags = redactTags(key.key.tags);
    if (tags !== key.key.tags) {
      key.key = { name: key.key.name, tags };
      metricKey = formatMetricKey(key.key);
    } else metricKey = writtenKey;
  }
  const path: InputPath = ['thresholds', metricKey];
  if (!key.ok) {
    for (const message of key.problems) r.add(path, redactText(message), { atKey: true });
    return;
  }
  if (key.key.tags) state.subMetrics.push({ metricKey, metric: key.key });
  const descriptor = known.get(key.key.name);
  if (!descriptor) {
    const message = `metric "${key.key.name}" is not a built-in metric and was not declared`;
    const suggestion = findNearest(key.key.name, known.keys());
    if (options.strictMetricNames) r.add(path, message, { suggestion, atKey: true });
    else
      r.problems.warn(
        path,
        `${message}${nearestHint(suggestion)} (it is checked again when the run ends)`,
        { atKey: true },
      );
  }
  const entries = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(entries)) {
    r.add(path, 'must be an expression or a list of expressions, e.g. ["p(95)<500"]');
    return;
  }
  entries.forEach((entry, index) => {
    const definition = parseEntry(entry, [...path, index], metricKey, r);
    if (!definition) return;
    definition.metric = key.key;
    if (descriptor) {
      definition.knownType = descriptor.type;
      const problem = aggregationProblem(definition, descriptor);
      if (problem) {
        r.add([...path, index], problem);
        return;
      }
    }
    state.thresholds.push(definition);
  });
}

function parseEntry(
  entry: unknown,
  path: InputPath,
  metricKey: string,
  r: InputReader,
): ThresholdDefinition | undefined {
  let source: unknown = entry;
  let abortOnFail = false;
  let delayAbortEvalMs = 0;
  let windowMs: number | undefined;
  const before = r.problems.count;
  if (isRecord(entry)) {
    r.object(entry, path, OBJECT_KEYS, `a threshold (fields: ${OBJECT_KEYS.join(', ')})`);
    source = entry['threshold'];
    if (entry['abortOnFail'] !== undefined)
      abortOnFail = r.boolean(entry['abortOnFail'], [...path, 'abortOnFail']) === true;
    if (entry['delayAbortEval'] !== undefined) {
      const at = [...path, 'delayAbortEval'];
      delayAbortEvalMs = r.duration(entry['delayAbortEval'], at, K6_DURATION) ?? 0;
      if (!abortOnFail)
        r.problems.warn(at, 'has no effect without abortOnFail: true', { atKey: true });
    }
    if (entry['window'] !== undefined) {
      const at = [...path, 'window'];
      windowMs = r.duration(entry['window'], at, { ...K6_DURATION, positive: true });
    }
  }
  if (typeof source !== 'string') {
    r.add(
      path,
      'must be an expression string such as "p(95)<500", or { threshold: "p(95)<500", abortOnFail: true }',
    );
    return undefined;
  }
  const parsed = parseThresholdExpression(source);
  if (!parsed.ok) {
    for (const message of parsed.problems) r.add(path, message);
    return undefined;
  }
  if (r.problems.count > before) return undefined;
  const definition: ThresholdDefinition = {
    metricKey,
    metric: { name: metricKey },
    source,
    expression: parsed.expression,
    abortOnFail,
    delayAbortEvalMs,
  };
  if (windowMs !== undefined) definition.windowMs = windowMs;
  return definition;
}

/**
 * Why `definition` cannot apply to a metric of `descriptor`'s type (the aggregation is not valid
 * for it, or a time unit was written on a metric that is not a time trend); undefined when valid.
 */
export function aggregationProblem(
  definition: ThresholdDefinition,
  descriptor: Pick<MetricDescriptor, 'name' | 'type' | 'contains'>,
): string | undefined {
  const allowed = AGGREGATIONS_BY_TYPE[descriptor.type];
  const kind = definition.expression.aggregation.kind;
  const name = kind === 'p' ? 'p(N)' : kind;
  if (!allowed.includes(name)) {
    const written = formatAggregation(definition.expression.aggregation);
    return `"${written}" is not valid for ${descriptor.name}, a ${descriptor.type} metric (valid: ${allowed.join(', ')})`;
  }
  if (definition.expression.unit !== undefined && descriptor.contains !== 'time') {
    return `"${definition.source}" has a time unit but ${descriptor.name} does not hold durations; write a plain number`;
  }
  return undefined;
}

/**
 * Parses `input` and throws one {@link RedlineError} (exit 104, InvalidConfig) listing every
 * problem when there is any; returns the parsed thresholds otherwise.
 */
export function assertValidThresholds(
  input: unknown,
  options: ParseThresholdsOptions = {},
): ParsedThresholds {
  const parsed = parseThresholds(input, options);
  if (parsed.problems.length === 0) return parsed;
  const count = parsed.problems.length;
  throw new RedlineError(
    'E_THRESHOLD_INVALID',
    `invalid thresholds: ${count} problem${count === 1 ? '' : 's'}`,
    {
      exitCode: ExitCode.InvalidConfig,
      problems: parsed.problems.map((p) => formatInputProblem(p)),
      hint: 'thresholds look like { http_req_duration: ["p(95)<500"], http_req_failed: ["rate<0.01"] }; see docs/thresholds.md',
    },
  );
}
