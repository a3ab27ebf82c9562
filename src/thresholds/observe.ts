/**
 * The value a threshold compares: a metric summary reduced by the threshold's aggregation
 * (counter rate = count / elapsed seconds; rate = non-zero / total; gauge = its value; trend
 * statistics from the HDR histogram), the comparison itself, and its display text.
 */
import { type MetricSummary, trendStat } from '../metrics/aggregate.js';
import { createHistogram } from '../metrics/histogram.js';
import { formatLatency } from '../util/duration.js';
import { formatBytes, formatPercent } from '../util/units.js';
import { formatAggregation } from './parse-expression.js';
import { aggregationProblem } from './parse-thresholds.js';
import type { ThresholdDefinition, ThresholdOperator } from './types.js';

/** An observed value, `null` when the metric had no samples to aggregate, or why it cannot apply. */
export type Observation = { value: number | null } | { problem: string };

/** True when a summary holds at least one sample (counters and gauges: once a series exists). */
export function hasSamples(summary: MetricSummary | undefined): summary is MetricSummary {
  if (!summary) return false;
  return summary.type === 'counter' || summary.type === 'gauge' || summary.count > 0;
}

/** Reduces `summary` by the threshold's aggregation; `elapsedSeconds` serves counter rates. */
export function observe(
  definition: ThresholdDefinition,
  summary: MetricSummary,
  elapsedSeconds: number,
): Observation {
  const problem = aggregationProblem(definition, summary);
  if (problem) return { problem };
  if (!hasSamples(summary)) return { value: null };
  const aggregation = definition.expression.aggregation;
  switch (aggregation.kind) {
    case 'count':
      return { value: summary.sum };
    case 'value':
      return { value: summary.sum };
    case 'rate':
      if (summary.type === 'counter')
        return { value: elapsedSeconds > 0 ? summary.sum / elapsedSeconds : 0 };
      return { value: summary.sum / summary.count };
    default:
      return { value: trendStat(summary, formatAggregation(aggregation)) ?? null };
  }
}

/** Applies a threshold operator (`===` and `==` both mean numeric equality). */
export function compare(observed: number, operator: ThresholdOperator, value: number): boolean {
  switch (operator) {
    case '<=':
      return observed <= value;
    case '<':
      return observed < value;
    case '>=':
      return observed >= value;
    case '>':
      return observed > value;
    case '===':
    case '==':
      return observed === value;
    case '!=':
      return observed !== value;
  }
}

/**
 * Whether `candidate` is a worse observation than `current` for this operator (further on the
 * failing side): larger for `<`/`<=`, smaller for `>`/`>=`; for equality operators, any change.
 */
export function isWorse(candidate: number, current: number, operator: ThresholdOperator): boolean {
  if (operator === '<' || operator === '<=') return candidate > current;
  if (operator === '>' || operator === '>=') return candidate < current;
  return candidate !== current;
}

/** Display text of an observation, k6-style: `p(95)=148.21ms`, `rate=0.35%`, `count=45`. */
export function formatObservation(
  definition: ThresholdDefinition,
  observed: number | null,
  contains: MetricSummary['contains'] | undefined,
  type: MetricSummary['type'] | undefined,
): string {
  const label = formatAggregation(definition.expression.aggregation);
  if (observed === null) return `${label}=n/a`;
  if (label === 'rate' && type === 'rate') return `${label}=${formatPercent(observed)}`;
  if (label === 'rate') return `${label}=${trim(observed)}/s`;
  if (contains === 'time') return `${label}=${formatLatency(observed)}`;
  if (contains === 'data') return `${label}=${formatBytes(observed)}`;
  return `${label}=${trim(observed)}`;
}

function trim(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(4)));
}

/**
 * Adds several interval summaries of one metric key into one (the sliding window): sums, counts,
 * min/max and histograms add exactly; a gauge keeps the latest interval's value.
 */
export function mergeSummaries(parts: ReadonlyArray<MetricSummary>): MetricSummary | undefined {
  const last = parts[parts.length - 1];
  if (!last) return undefined;
  if (last.type === 'gauge') return last;
  const merged: MetricSummary = {
    name: last.name,
    type: last.type,
    contains: last.contains,
    sum: 0,
    count: 0,
    min: Number.POSITIVE_INFINITY,
    max: Number.NEGATIVE_INFINITY,
  };
  if (last.type === 'trend') merged.histogram = createHistogram('total');
  for (const part of parts) {
    merged.sum += part.sum;
    merged.count += part.count;
    if (part.count > 0 || part.type === 'counter') {
      if (part.min < merged.min) merged.min = part.min;
      if (part.max > merged.max) merged.max = part.max;
    }
    if (part.histogram && merged.histogram) merged.histogram.add(part.histogram);
  }
  return merged;
}
