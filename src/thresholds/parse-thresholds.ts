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
import { parseDurationMs } from '../util/duration.js';
import { isRecord } from '../util/is-record.js';
import { findNearest } from '../util/nearest.js';
import { redactTags, redactText } from '../util/redact.js';
import { formatAggregation, parseThresholdExpression } from './parse-expression.js';
import { formatMetricKey, parseMetricKey } from './parse-metric-key.js';
import { AGGREGATIONS_BY_TYPE, type ThresholdDefinition, type ThresholdProblem } from './types.js';

const OBJECT_KEYS = ['threshold', 'abortOnFail', 'delayAbortEval', 'window'];

/** Options of {@link parseThresholds}. */
export interface ParseThresholdsOptions {
  /** Metrics declared so far (custom metrics of the script); built-in metrics are always known. */
  metrics?: Iterable<MetricDescriptor>;
  /** Treat a metric that is neither built-in nor declared as an error (default: a warning). */
  strictMetricNames?: boolean;
}

/** What {@link parseThresholds} found. */
export interface ParsedThresholds {
  thresholds: ThresholdDefinition[];
  problems: ThresholdProblem[];
  /** Not errors, but worth telling (e.g. a metric not declared yet). */
  warnings: string[];
}

/** Parses a `thresholds` object; never throws (see {@link assertValidThresholds}). */
export function parseThresholds(
  input: unknown,
  options: ParseThresholdsOptions = {},
): ParsedThresholds {
  const result: ParsedThresholds = { thresholds: [], problems: [], warnings: [] };
  if (input === undefined || input === null) return result;
  if (typeof input !== 'object' || Array.isArray(input)) {
    result.problems.push({
      path: 'thresholds',
      message: 'must be an object of metric name -> list of expressions',
    });
    return result;
  }
  const known = new Map<string, MetricDescriptor>(Object.entries(BUILTIN_METRICS));
  for (const d of options.metrics ?? []) known.set(d.name, d);
  for (const [metricKey, value] of Object.entries(input as Record<string, unknown>)) {
    parseMetricEntry(metricKey, value, known, options, result);
  }
  return result;
}

function parseMetricEntry(
  writtenKey: string,
  value: unknown,
  known: ReadonlyMap<string, MetricDescriptor>,
  options: ParseThresholdsOptions,
  result: ParsedThresholds,
): void {
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
  const path = `thresholds[${JSON.stringify(metricKey)}]`;
  if (!key.ok) {
    for (const message of key.problems)
      result.problems.push({ path, message: redactText(message) });
    return;
  }
  const descriptor = known.get(key.key.name);
  if (!descriptor) {
    const nearest = findNearest(key.key.name, known.keys());
    const message = `metric "${key.key.name}" is not a built-in metric and was not declared${nearest ? `; did you mean "${nearest}"?` : ''}`;
    if (options.strictMetricNames) result.problems.push({ path, message });
    else result.warnings.push(`${path}: ${message} (it is checked again when the run ends)`);
  }
  const entries = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(entries)) {
    result.problems.push({
      path,
      message: 'must be an expression or a list of expressions, e.g. ["p(95)<500"]',
    });
    return;
  }
  entries.forEach((entry, index) => {
    const definition = parseEntry(entry, `${path}[${index}]`, metricKey, result);
    if (!definition) return;
    definition.metric = key.key;
    if (descriptor) {
      definition.knownType = descriptor.type;
      if (!checkAgainstType(definition, descriptor, `${path}[${index}]`, result)) return;
    }
    result.thresholds.push(definition);
  });
}

function parseEntry(
  entry: unknown,
  path: string,
  metricKey: string,
  result: ParsedThresholds,
): ThresholdDefinition | undefined {
  let source: unknown = entry;
  let abortOnFail = false;
  let delayAbortEvalMs = 0;
  let windowMs: number | undefined;
  const before = result.problems.length;
  if (isRecord(entry)) {
    const object = entry as Record<string, unknown>;
    for (const k of Object.keys(object)) {
      if (OBJECT_KEYS.includes(k)) continue;
      const nearest = findNearest(k, OBJECT_KEYS);
      result.problems.push({
        path,
        message: `unknown field "${k}"${nearest ? `; did you mean "${nearest}"?` : ''} (fields: ${OBJECT_KEYS.join(', ')})`,
      });
    }
    source = object.threshold;
    if (object.abortOnFail !== undefined && typeof object.abortOnFail !== 'boolean') {
      result.problems.push({ path: `${path}.abortOnFail`, message: 'must be true or false' });
    }
    abortOnFail = object.abortOnFail === true;
    delayAbortEvalMs =
      parseDurationField(object.delayAbortEval, `${path}.delayAbortEval`, result) ?? 0;
    windowMs = parseDurationField(object.window, `${path}.window`, result);
    if (windowMs === 0)
      result.problems.push({ path: `${path}.window`, message: 'must be longer than 0s' });
    if (object.delayAbortEval !== undefined && !abortOnFail) {
      result.warnings.push(`${path}: delayAbortEval has no effect without abortOnFail: true`);
    }
  }
  if (typeof source !== 'string') {
    result.problems.push({
      path,
      message:
        'must be an expression string such as "p(95)<500", or { threshold: "p(95)<500", abortOnFail: true }',
    });
    return undefined;
  }
  const parsed = parseThresholdExpression(source);
  if (!parsed.ok) {
    for (const message of parsed.problems) result.problems.push({ path, message });
    return undefined;
  }
  if (result.problems.length > before) return undefined;
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

function parseDurationField(
  value: unknown,
  path: string,
  result: ParsedThresholds,
): number | undefined {
  if (value === undefined) return undefined;
  const ms =
    typeof value === 'string' || typeof value === 'number' ? parseDurationMs(value) : undefined;
  if (ms === undefined) {
    result.problems.push({
      path,
      message: `${JSON.stringify(value)} is not a duration (e.g. "10s", "1m30s")`,
    });
  }
  return ms;
}

function checkAgainstType(
  definition: ThresholdDefinition,
  descriptor: MetricDescriptor,
  path: string,
  result: ParsedThresholds,
): boolean {
  const problem = aggregationProblem(definition, descriptor);
  if (problem) result.problems.push({ path, message: problem });
  return problem === undefined;
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
      problems: parsed.problems.map((p) => `${p.path}: ${p.message}`),
      hint: 'thresholds look like { http_req_duration: ["p(95)<500"], http_req_failed: ["rate<0.01"] }; see docs/thresholds.md',
    },
  );
}
