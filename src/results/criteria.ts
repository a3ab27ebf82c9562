/** The success-criteria table (Target and Acceptable per metric) and how a value is graded. */

/** The metrics of the success-criteria table [ref: success-criteria], in its row order. */
export type CriterionMetric = 'p50' | 'p95' | 'p99' | 'errorRate' | 'throughput' | 'cpu' | 'memory';

/** One row: a value meets `target` (✅), meets `acceptable` (⚠️), or neither (❌). */
export interface Criterion {
  target: number;
  acceptable: number;
}

/**
 * The table. Units: latencies in ms, error rate as a fraction (0.001 = 0.1%), throughput in
 * req/s, CPU and memory in percent. Throughput is "higher is better"; every other row "lower".
 */
export type SuccessCriteria = Partial<Record<CriterionMetric, Criterion>>;

/** Grade of a measured value against its criterion. */
export type CriterionStatus = 'pass' | 'acceptable' | 'fail' | 'unknown';

/**
 * Redline's default table [ref: success-criteria]: p50 200/300 ms, p95 400/600, p99 500/800, errors
 * 0.1%/0.5%, ...
 */
export const DEFAULT_SUCCESS_CRITERIA: Readonly<Required<SuccessCriteria>> = {
  p50: { target: 200, acceptable: 300 },
  p95: { target: 400, acceptable: 600 },
  p99: { target: 500, acceptable: 800 },
  errorRate: { target: 0.001, acceptable: 0.005 },
  throughput: { target: 1000, acceptable: 800 },
  cpu: { target: 70, acceptable: 80 },
  memory: { target: 80, acceptable: 90 },
};

/** Row order of the Current Performance table [ref: report-layout]. */
export const CRITERION_ORDER: readonly CriterionMetric[] = [
  'p50',
  'p95',
  'p99',
  'throughput',
  'errorRate',
  'cpu',
  'memory',
];

/** Human label of each row, as the report writes it. */
export const CRITERION_LABEL: Readonly<Record<CriterionMetric, string>> = {
  p50: 'p50 Latency',
  p95: 'p95 Latency',
  p99: 'p99 Latency',
  errorRate: 'Error Rate',
  throughput: 'Throughput',
  cpu: 'CPU Usage',
  memory: 'Memory Usage',
};

/** True for the only row where higher is better. */
export function isHigherBetter(metric: CriterionMetric): boolean {
  return metric === 'throughput';
}

/**
 * Grades `value`: strictly better than the target is `pass` (the report writes "< 200ms"), then
 * strictly better than acceptable is `acceptable`, else `fail`; no value or no criterion is `unknown`.
 */
export function gradeCriterion(
  metric: CriterionMetric,
  value: number | undefined,
  criterion: Criterion | undefined,
): CriterionStatus {
  if (value === undefined || !Number.isFinite(value) || !criterion) return 'unknown';
  const better = isHigherBetter(metric)
    ? (limit: number) => value > limit
    : (limit: number) => value < limit;
  if (better(criterion.target)) return 'pass';
  if (better(criterion.acceptable)) return 'acceptable';
  return 'fail';
}

/** Formats a criterion limit the way the report does: `< 200ms`, `> 1000 req/s`, `< 0.1%`. */
export function formatLimit(metric: CriterionMetric, limit: number): string {
  const op = isHigherBetter(metric) ? '>' : '<';
  return `${op} ${formatCriterionValue(metric, limit)}`;
}

/** Formats a value of a row in its unit: `212ms`, `0.35%`, `1,234 req/s`, `65%`. */
export function formatCriterionValue(metric: CriterionMetric, value: number): string {
  switch (metric) {
    case 'p50':
    case 'p95':
    case 'p99':
      return `${trim(value, value < 10 ? 2 : value < 100 ? 1 : 0)}ms`;
    case 'errorRate':
      return `${trim(value * 100, value < 0.1 ? 2 : 1)}%`;
    case 'throughput':
      return `${Math.round(value).toLocaleString('en-US')} req/s`;
    case 'cpu':
    case 'memory':
      return `${trim(value, 1)}%`;
  }
}

function trim(value: number, decimals: number): string {
  return Number(value.toFixed(decimals)).toString();
}
