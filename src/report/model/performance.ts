/** "Current Performance": each criterion's measured value graded against Target and Acceptable. */
import {
  CRITERION_LABEL,
  CRITERION_ORDER,
  type CriterionMetric,
  type CriterionStatus,
  formatCriterionValue,
  formatLimit,
  gradeCriterion,
  type SuccessCriteria,
} from '../../results/criteria.js';
import type { PerformanceRow } from './report-model.js';

/** A measured value for one row, with where it comes from when that differs from the basis. */
export interface MeasuredValue {
  value?: number;
  note?: string;
}

/**
 * Builds the rows in the criteria's order [ref: success-criteria]; a row without a value is 'not
 * measured' and 'unknown'.
 */
export function createPerformanceRows(
  criteria: SuccessCriteria,
  values: Partial<Record<CriterionMetric, MeasuredValue>>,
): PerformanceRow[] {
  return CRITERION_ORDER.map((metric) => {
    const measured = values[metric];
    const criterion = criteria[metric];
    const value = measured?.value;
    const row: PerformanceRow = {
      metric,
      label: CRITERION_LABEL[metric],
      display: value === undefined ? 'not measured' : formatCriterionValue(metric, value),
      targetDisplay: criterion ? formatLimit(metric, criterion.target) : '—',
      acceptableDisplay: criterion ? formatLimit(metric, criterion.acceptable) : '—',
      status: gradeCriterion(metric, value, criterion),
    };
    if (value !== undefined) row.value = value;
    if (criterion) row.criterion = criterion;
    if (measured?.note) row.note = measured.note;
    return row;
  });
}

/** The overall verdict: the worst known status (fail > acceptable > pass), 'unknown' if none is known. */
export function overallVerdict(rows: readonly PerformanceRow[]): CriterionStatus {
  const known = rows.map((r) => r.status).filter((s) => s !== 'unknown');
  if (known.length === 0) return 'unknown';
  if (known.includes('fail')) return 'fail';
  if (known.includes('acceptable')) return 'acceptable';
  return 'pass';
}

/** One sentence counting statuses: "meets the target on 3 of 7 ..., fails 2 (p95 Latency, ...)". */
export function describeRows(rows: readonly PerformanceRow[]): string {
  const known = rows.filter((r) => r.status !== 'unknown');
  const names = (s: CriterionStatus) => rows.filter((r) => r.status === s).map((r) => r.label);
  const fail = names('fail');
  const ok = names('acceptable');
  const parts = [
    `meets the target on ${names('pass').length} of ${known.length} measured criteria`,
  ];
  if (ok.length > 0) parts.push(`only the acceptable level on ${ok.length} (${ok.join(', ')})`);
  if (fail.length > 0) parts.push(`fails ${fail.length} (${fail.join(', ')})`);
  const unknown = rows.length - known.length;
  const tail = unknown > 0 ? `; ${unknown} not measured` : '';
  return `${parts.join(', ')}${tail}`;
}
