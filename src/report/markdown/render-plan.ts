/**
 * Markdown of the Load Test Plan [ref: load-test-plan] (what `redline audit --plan-only` writes).
 */
import type { LoadTestPlan } from '../model/load-test-plan.js';
import { bullets, code, table, text } from './md.js';

/** Renders the plan in its layout: objectives, scenarios, success criteria, environment, tools. */
export function renderLoadTestPlanMarkdown(plan: LoadTestPlan): string {
  const scenarios = plan.scenarios.flatMap((s, i) => {
    const lines = [
      `#### Scenario ${i + 1}: ${text(s.name)}`,
      `- **Users:** ${text(s.users)}`,
      `- **Duration:** ${text(s.duration)}`,
    ];
    if (s.expectedResponseTime)
      lines.push(`- **Expected Response Time:** ${text(s.expectedResponseTime)}`);
    if (s.expectedErrorRate) lines.push(`- **Expected Error Rate:** ${text(s.expectedErrorRate)}`);
    if (s.goal) lines.push(`- **Goal:** ${text(s.goal)}`);
    return [...lines, ''];
  });
  return [
    `## Load Test Plan: ${text(plan.system)}`,
    '',
    `Target: ${code(plan.target)}  `,
    `User flow: ${plan.flow.length > 0 ? plan.flow.map(code).join(' → ') : 'not recorded'}  `,
    `Test data: ${text(plan.testData)}`,
    '',
    '### Objectives',
    ...plan.objectives.map((o) => `- [ ] ${text(o)}`),
    '',
    '### Test Scenarios',
    '',
    `Baseline: ${text(plan.baseline)}.`,
    '',
    ...scenarios,
    '### Success Criteria',
    '',
    table(
      ['Metric', 'Target', 'Acceptable'],
      plan.criteria.map((c) => [text(c.metric), text(c.target), text(c.acceptable)]),
    ),
    '',
    '### Test Environment',
    '',
    '**Infrastructure:**',
    bullets(plan.environment.map(([k, v]) => `${text(k)}: ${text(v)}`)),
    '',
    '**Test Tools:**',
    bullets(plan.tools.map(text)),
    '',
  ].join('\n');
}
