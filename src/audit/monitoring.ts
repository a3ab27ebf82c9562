/**
 * Monitoring recommendations of the audit: SLO alert rules, their promtool tests and a Grafana
 * dashboard generated from the success criteria (src/slo), the rule names put into the alerts,
 * and the metrics worth tracking given what the audit found.
 */
import { join } from 'node:path';
import type { Finding } from '../findings/finding.js';
import type { AlertRecommendation, MonitoringPlan } from '../results/audit-result.js';
import type { SuccessCriteria } from '../results/criteria.js';
import {
  createSloRuleGroups,
  createSloSpecFromCriteria,
  generateSloArtifacts,
  writeSloArtifacts,
} from '../slo/index.js';

/** Service name usable in rule and file names (`demo shop` → `demo-shop`). */
export function toServiceName(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug === '' ? 'service' : slug.slice(0, 40);
}

/** The SLOs the criteria imply: every latency row's Target as `pNN`, and the error rate's Target. */
export function criteriaToSlos(criteria: SuccessCriteria): {
  latency: Array<{ percentile: number; thresholdMs: number }>;
  errorRate?: number;
} {
  const latency = (['p50', 'p95', 'p99'] as const)
    .filter((m) => criteria[m])
    .map((m) => ({ percentile: Number(m.slice(1)), thresholdMs: criteria[m]!.target }));
  return criteria.errorRate ? { latency, errorRate: criteria.errorRate.target } : { latency };
}

function sloAlerts(service: string, criteria: SuccessCriteria, outDir: string, notes: string[]) {
  const alerts: AlertRecommendation[] = [];
  const files: NonNullable<MonitoringPlan['files']> = [];
  try {
    const spec = createSloSpecFromCriteria(service, criteriaToSlos(criteria));
    const artifacts = generateSloArtifacts(spec, service, 'the audit success criteria');
    const written = writeSloArtifacts(artifacts, join(outDir, 'monitoring'));
    for (const path of written)
      files.push({ kind: path.endsWith('.dashboard.json') ? 'dashboard' : 'rules', path });
    for (const group of createSloRuleGroups(spec)) {
      for (const rule of group.rules) {
        if (!('alert' in rule)) continue;
        const severity = rule.labels['severity'] === 'page' ? 'page' : 'ticket';
        alerts.push({
          name: rule.annotations['summary'] ?? rule.alert,
          condition: rule.annotations['description'] ?? rule.expr,
          severity,
          ruleName: rule.alert,
        });
      }
    }
  } catch (error) {
    notes.push(`SLO rules not generated: ${(error as Error).message}`);
  }
  return { alerts, files };
}

function resourceAlerts(criteria: SuccessCriteria): AlertRecommendation[] {
  const out: AlertRecommendation[] = [];
  if (criteria.cpu)
    out.push({
      name: 'Target CPU high',
      condition: `process CPU above ${criteria.cpu.target}% of the cores for 10 minutes`,
      severity: 'ticket',
    });
  if (criteria.memory)
    out.push({
      name: 'Target memory high',
      condition: `resident memory above ${criteria.memory.target}% of the limit for 10 minutes`,
      severity: 'ticket',
    });
  out.push({
    name: 'Event loop blocked',
    condition: 'redline_event_loop_lag_seconds above 0.1 for 5 minutes',
    severity: 'ticket',
  });
  return out;
}

function findingMetrics(findings: readonly Finding[]): string[] {
  const ids = new Set(findings.map((f) => (f.id.split('.')[0] === 'db' ? 'db' : f.id)));
  const out: string[] = [];
  if (ids.has('probe.n-plus-one') || ids.has('db'))
    out.push(
      'redline_db_queries_total and redline_request_db_seconds{route}: queries and database time per request (probe)',
    );
  if (ids.has('memory.leak'))
    out.push(
      'process_resident_memory_bytes and V8 heap used after GC: memory growth over days (leak)',
    );
  if (ids.has('cpu.sync-crypto') || ids.has('event-loop.blocked'))
    out.push(
      'redline_event_loop_lag_seconds: event-loop delay (blocking work such as synchronous hashing)',
    );
  if (ids.has('probe.pool-wait')) out.push('redline_db_pool_connections{state}: pool saturation');
  return out;
}

/**
 * Builds the monitoring plan and writes the SLO files into `<outDir>/monitoring/`. SLOs need
 * latency thresholds that are histogram bucket bounds; when they are not, the rules are skipped
 * and a note says why.
 */
export function createMonitoringPlan(
  name: string,
  criteria: SuccessCriteria,
  findings: readonly Finding[],
  outDir: string,
): { plan: MonitoringPlan; notes: string[] } {
  const notes: string[] = [];
  const service = toServiceName(name);
  const slo = sloAlerts(service, criteria, outDir, notes);
  const dashboard = slo.files.find((f) => f.kind === 'dashboard');
  const plan: MonitoringPlan = {
    metrics: [
      'redline_http_request_duration_seconds{route,status}: latency histogram per route (p50/p95/p99 against the criteria)',
      'request rate and error ratio per route (from the same histogram, status >= 500)',
      ...findingMetrics(findings),
      'process CPU and resident memory of the service (against the CPU and memory criteria)',
    ],
    alerts: [...slo.alerts, ...resourceAlerts(criteria)],
    dashboards: [
      ...(dashboard
        ? [`${service} SLOs: burn rates, error budget, latency percentiles (${dashboard.path})`]
        : []),
      'Service health: latency p95 by route, database time per request, event-loop lag, pool connections (probe metrics)',
      'Capacity: request rate against the maximum capacity measured by this audit',
    ],
  };
  if (slo.files.length > 0) plan.files = slo.files;
  return { plan, notes };
}
