/**
 * The Load Test Plan [ref: load-test-plan], built from the audit config before anything runs
 * (`--plan-only`).
 */

import {
  type AuditConfigSummary,
  type AuditEnvironment,
  type AuditStepKind,
  defaultStepUsers,
} from '../../results/audit-result.js';
import { CRITERION_LABEL, CRITERION_ORDER, formatLimit } from '../../results/criteria.js';
import { type RedactOptions, redactDeep } from '../../util/redact.js';
import { describeInfrastructure } from './environment.js';

/** One scenario of the plan. */
export interface PlanScenario {
  kind: AuditStepKind;
  name: string;
  users: string;
  duration: string;
  expectedResponseTime?: string;
  expectedErrorRate?: string;
  goal?: string;
}

/** The plan as data (rendered by renderLoadTestPlanMarkdown). */
export interface LoadTestPlan {
  system: string;
  target: string;
  flow: string[];
  /** The test data the flow will use (the config summary's), or "not stated". */
  testData: string;
  objectives: string[];
  baseline: string;
  scenarios: PlanScenario[];
  criteria: Array<{ metric: string; target: string; acceptable: string }>;
  environment: Array<[string, string]>;
  tools: string[];
}

function duration(config: AuditConfigSummary, kind: AuditStepKind, fallback: string): string {
  const ms = config.plannedDurationsMs?.[kind];
  if (ms === undefined) return fallback;
  const unit = (value: number, name: string) => `${value} ${name}${value === 1 ? '' : 's'}`;
  return ms >= 60_000
    ? unit(Number((ms / 60_000).toFixed(1)), 'minute')
    : unit(Math.round(ms / 1000), 'second');
}

/**
 * Builds the plan. Normal load expects the Target values, peak the Acceptable ones (the plan's
 * peak scenario is looser than its normal one); stress, spike and endurance state their goals.
 * The config is redacted first (target URLs and flows may carry tokens).
 */
export function createLoadTestPlan(
  input: AuditConfigSummary,
  environment?: AuditEnvironment,
  options: RedactOptions = {},
): LoadTestPlan {
  const config = redactDeep(input, options);
  const users = { ...defaultStepUsers(config.baseUsers), ...config.stepUsers };
  const c = config.criteria;
  const rt = (level: 'target' | 'acceptable') =>
    c.p99 ? `p99 ${formatLimit('p99', c.p99[level])}` : undefined;
  const er = (level: 'target' | 'acceptable') =>
    c.errorRate ? formatLimit('errorRate', c.errorRate[level]) : undefined;
  const scenarios: PlanScenario[] = [
    {
      kind: 'load',
      name: 'Normal Load',
      users: `${users.load} concurrent`,
      duration: duration(config, 'load', 'skipped'),
    },
    {
      kind: 'peak',
      name: 'Peak Load',
      users: `${users.peak} concurrent`,
      duration: duration(config, 'peak', 'skipped'),
    },
    {
      kind: 'stress',
      name: 'Stress Test',
      users: `Ramp up from ${users.stress} until failure`,
      duration: duration(config, 'stress', 'Until system breaks'),
      goal: 'Find breaking point',
    },
    {
      kind: 'spike',
      name: 'Spike Test',
      users: `Jump to ${users.spike} concurrent`,
      duration: duration(config, 'spike', 'skipped'),
      goal: 'See recovery after a sudden surge',
    },
    {
      kind: 'soak',
      name: 'Endurance Test',
      users: `${users.soak} concurrent`,
      duration: duration(config, 'soak', 'skipped'),
      goal: 'Find memory leaks, degradation',
    },
  ];
  const set = (s: PlanScenario, level: 'target' | 'acceptable') => {
    const r = rt(level);
    const e = er(level);
    if (r) s.expectedResponseTime = r;
    if (e) s.expectedErrorRate = e;
  };
  set(scenarios[0]!, 'target');
  set(scenarios[1]!, 'acceptable');
  return {
    system: config.systemName ?? config.target,
    target: config.target,
    flow: [...config.flow],
    testData: config.testData ?? 'not stated',
    objectives: [
      'Determine maximum capacity',
      'Identify bottlenecks',
      'Validate SLOs',
      'Test scalability',
    ],
    baseline: `${users.baseline} user for ${duration(config, 'baseline', 'a short run')}, to establish latency without load`,
    scenarios,
    criteria: CRITERION_ORDER.filter((m) => c[m]).map((m) => ({
      metric: CRITERION_LABEL[m],
      target: formatLimit(m, c[m]!.target),
      acceptable: formatLimit(m, c[m]!.acceptable),
    })),
    environment: environment
      ? [
          ['Servers', describeInfrastructure(environment)],
          [
            'Database',
            environment.database
              ? `${environment.database.engine} ${environment.database.version ?? ''}`.trim()
              : 'not recorded',
          ],
          ['Network', 'loopback or as configured'],
          ['Load balancer', 'none known'],
        ]
      : [
          ['Servers', 'measured when the audit starts'],
          ['Database', 'measured when the audit starts'],
        ],
    tools: config.tools ?? [
      'redline (load generation, profiling, query plans)',
      'Prometheus for metrics',
      'Grafana for dashboards',
    ],
  };
}
