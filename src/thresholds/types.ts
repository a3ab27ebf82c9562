/** The typed AST of thresholds: what `parseThresholds` produces and the evaluator runs. */
import type { MetricType, Tags } from '../metrics/metric-types.js';

/** Comparison operators of k6's grammar, in the order k6 tries them. */
export const THRESHOLD_OPERATORS = ['<=', '<', '>=', '>', '===', '==', '!='] as const;

/** One of {@link THRESHOLD_OPERATORS}. */
export type ThresholdOperator = (typeof THRESHOLD_OPERATORS)[number];

/** Aggregation names without an argument (`p(N)` is the one with an argument). */
export type SimpleAggregation = 'count' | 'rate' | 'value' | 'avg' | 'min' | 'max' | 'med';

/** What a threshold aggregates: a named statistic, or the percentile `p(N)`. */
export type ThresholdAggregation = { kind: SimpleAggregation } | { kind: 'p'; percentile: number };

/** Aggregations each metric type accepts (k6's table). */
export const AGGREGATIONS_BY_TYPE: Readonly<Record<MetricType, readonly string[]>> = {
  counter: ['count', 'rate'],
  gauge: ['value'],
  rate: ['rate'],
  trend: ['avg', 'min', 'max', 'med', 'p(N)'],
};

/** A parsed expression such as `p(95) < 500`. */
export interface ThresholdExpression {
  aggregation: ThresholdAggregation;
  operator: ThresholdOperator;
  /** Right-hand side; for time trends in milliseconds (a unit suffix was converted). */
  value: number;
  /** Unit written after the number (`ms`, `s`, ...), a Redline extension; undefined in k6 syntax. */
  unit?: string;
}

/** A metric key: `http_req_duration` or the sub-metric `http_req_duration{name:login}`. */
export interface MetricKey {
  /** Metric name. */
  name: string;
  /** Tag filter of a sub-metric; undefined for the whole metric. */
  tags?: Tags;
}

/** One threshold, fully parsed and validated. */
export interface ThresholdDefinition {
  /** The metric key exactly as the user wrote it (used as the key in results). */
  metricKey: string;
  metric: MetricKey;
  /** The expression text as the user wrote it. */
  source: string;
  expression: ThresholdExpression;
  /** Stop the run when this threshold fails (k6 `abortOnFail`). */
  abortOnFail: boolean;
  /** Do not abort before this much run time has passed, ms (k6 `delayAbortEval`). */
  delayAbortEvalMs: number;
  /**
   * Redline extension (k6 issue 2379): evaluate over the last `windowMs` of the run instead of
   * the whole run; the threshold fails when any evaluated window fails.
   */
  windowMs?: number;
  /** Metric type known when parsing (built-in or declared), used to validate the aggregation. */
  knownType?: MetricType;
}
