/** Public surface of thresholds/: k6's threshold grammar, validation and the evaluating Output. */
export {
  ThresholdEvaluator,
  type ThresholdEvaluatorOptions,
  type ThresholdOutcome,
} from './evaluator.js';
export { type CheckVerdict, evaluateChecks } from './fail-on-check.js';
export { diagnoseMissing, type MissingVerdict } from './missing.js';
export { compare, formatObservation, observe } from './observe.js';
export {
  formatAggregation,
  type ParsedExpression,
  parseThresholdExpression,
} from './parse-expression.js';
export { formatMetricKey, type ParsedMetricKey, parseMetricKey } from './parse-metric-key.js';
export {
  aggregationProblem,
  assertValidThresholds,
  type ParsedThresholds,
  type ParseThresholdsOptions,
  parseThresholds,
} from './parse-thresholds.js';
export * from './types.js';

import { ThresholdEvaluator, type ThresholdEvaluatorOptions } from './evaluator.js';

/** Creates the thresholds Output for a run (see {@link ThresholdEvaluator}). */
export function createThresholdEvaluator(options: ThresholdEvaluatorOptions): ThresholdEvaluator {
  return new ThresholdEvaluator(options);
}
