/** "Monitoring Recommendations": the audit's own plan, or one derived from the success criteria. */
import type { MonitoringPlan } from '../../results/audit-result.js';
import { formatCriterionValue, type SuccessCriteria } from '../../results/criteria.js';
import type { MonitoringView } from './report-model.js';

function formatAlert(alert: MonitoringPlan['alerts'][number]): string {
  const rule = alert.ruleName ? ` (rule ${alert.ruleName})` : ' (rule not generated yet)';
  return `${alert.name}: ${alert.condition} → ${alert.severity}${rule}`;
}

/**
 * Uses the audit's monitoring plan when present. Otherwise derives recommendations from the
 * criteria (clearly marked 'derived'): the metrics behind each criterion, alerts at the
 * Acceptable limits (page) and Target limits (ticket), and one service dashboard.
 */
export function createMonitoringView(
  plan: MonitoringPlan | undefined,
  criteria: SuccessCriteria,
): MonitoringView {
  if (plan) {
    return {
      metrics: [...plan.metrics],
      alerts: plan.alerts.map(formatAlert),
      dashboards: [...plan.dashboards],
      source: 'audit',
    };
  }
  const alerts: string[] = [];
  const p99 = criteria.p99;
  if (p99) {
    alerts.push(
      `p99 latency above ${formatCriterionValue('p99', p99.acceptable)} for 10m → page (rule not generated yet)`,
    );
    alerts.push(
      `p99 latency above ${formatCriterionValue('p99', p99.target)} for 1h → ticket (rule not generated yet)`,
    );
  }
  const err = criteria.errorRate;
  if (err) {
    alerts.push(
      `error ratio above ${formatCriterionValue('errorRate', err.acceptable)} for 5m → page (rule not generated yet)`,
    );
  }
  if (criteria.cpu)
    alerts.push(
      `CPU above ${formatCriterionValue('cpu', criteria.cpu.acceptable)} for 15m → ticket (rule not generated yet)`,
    );
  if (criteria.memory) {
    alerts.push(
      `memory above ${formatCriterionValue('memory', criteria.memory.acceptable)} for 15m → ticket (rule not generated yet)`,
    );
  }
  return {
    metrics: [
      'request latency p50/p95/p99 by route (http_req_duration histogram)',
      'error ratio by route and status class',
      'throughput (requests per second) by route',
      'process CPU and resident memory of the service',
      'event-loop lag p99 and GC pause time',
      'database query time by statement and connection-pool wait',
    ],
    alerts,
    dashboards: [
      'Service overview: requests per second, latency percentiles over time, errors by class, saturation (CPU, memory, event-loop lag)',
      'Database: slowest statements, calls per request, pool usage',
    ],
    source: 'derived',
  };
}
