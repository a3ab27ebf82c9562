/** Builds the audit's "Improvements verified" from a comparison of a baseline run with the current one. */
import type { Verification } from '../results/audit-result.js';
import type { CompareResult } from './compare-runs.js';

/**
 * Turns a {@link CompareResult} (A = baseline, B = now) into the audit's Verification: one metric
 * per compared row, error rate in percent, verdicts from the compare engine.
 */
export function createVerification(
  baseline: string,
  result: CompareResult,
  baselineRunId?: string,
): Verification {
  const v: Verification = {
    baseline,
    metrics: result.rows.map((r) => ({
      metric: r.label,
      unit: r.unit === 'ratio' ? '%' : r.unit,
      before: r.unit === 'ratio' ? r.a * 100 : r.a,
      after: r.unit === 'ratio' ? r.b * 100 : r.b,
      lowerIsBetter: r.lowerIsBetter,
      verdict: r.verdict,
    })),
  };
  if (baselineRunId !== undefined) v.baselineRunId = baselineRunId;
  return v;
}
