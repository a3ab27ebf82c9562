/** Public surface of thresholds/: k6's threshold grammar, validation and the evaluating Output. */
export { type ThresholdEvaluatorOptions, ThresholdEvaluator, type ThresholdOutcome } from './evaluator.js';
export { type CheckVerdict, evaluateChecks, thresholdExitCode } from './fail-on-check.js';
export { diagnoseMissing, type MissingVerdict } from './missing.js';
export { compare, formatObservation, observe } from './observe.js';
export { formatAggregation, parseThresholdExpression, type ParsedExpression } from './parse-expression.js';
export { formatMetricKey, parseMetricKey, type ParsedMetricKey } from './parse-metric-key.js';
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
