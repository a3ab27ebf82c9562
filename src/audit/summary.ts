/** What the audit was told to do, as the report and the Load Test Plan show it (no secrets). */
import type { AuditConfigSummary, AuditStepKind } from '../results/audit-result.js';
import { REDLINE_VERSION } from '../util/version.js';
import { createFlowLabels } from './config/flow.js';
import type { AuditConfig } from './config/types.js';
import { describeFlowData } from './flow/flow-script.js';

/** The tools an audit uses, for the plan and the report. */
export function auditTools(config: AuditConfig): string[] {
  const tools = [`redline ${REDLINE_VERSION} (load generation: closed-model virtual users)`];
  if (config.target.command && config.target.inspect)
    tools.push(
      'V8 inspector: CPU and sampling heap profiles, retained heap after GC (profile, soak)',
    );
  if (config.target.command && config.target.probe)
    tools.push(
      'redline probe in the target: per-route timings, queries per request, N+1 call sites',
    );
  if (config.database?.url || config.database?.queries.length)
    tools.push(
      'EXPLAIN (ANALYZE, BUFFERS) in rolled-back transactions, pg_stat_statements / performance_schema',
    );
  tools.push(
    '/proc sampling of the target CPU and memory',
    'Prometheus rules and a Grafana dashboard generated from the criteria',
  );
  return tools;
}

/** The config summary stored in audit.json (the flow as labels only: bodies may hold passwords). */
export function createConfigSummary(config: AuditConfig): AuditConfigSummary {
  const s = config.steps;
  const planned: Partial<Record<AuditStepKind, number>> = {};
  const users: Partial<Record<AuditStepKind, number>> = {};
  for (const kind of ['baseline', 'load', 'peak', 'spike', 'soak'] as const) {
    if (!s[kind].enabled) continue;
    planned[kind] = s[kind].durationMs;
    users[kind] = s[kind].users;
  }
  if (s.stress.enabled) {
    planned.stress = s.stress.stepDurationMs * s.stress.maxSteps;
    users.stress = s.stress.startUsers;
  }
  const summary: AuditConfigSummary = {
    target: config.target.url,
    flow: createFlowLabels(config.flow),
    testData: describeFlowData(config.flow, config.target.url),
    baseUsers: config.baseUsers,
    criteria: config.criteria,
    plannedDurationsMs: planned,
    stepUsers: users,
    tools: auditTools(config),
  };
  if (config.name) summary.systemName = config.name;
  return summary;
}
