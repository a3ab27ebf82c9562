// Tests of the Load Test Plan (what `redline audit --plan-only` writes) built from a config.
import { describe, expect, it } from 'vitest';
import {
  createSyntheticAudit,
  SYNTHETIC_SECRETS,
} from '../../results/__fixtures__/synthetic-audit.js';
import { createLoadTestPlan } from '../model/load-test-plan.js';
import { renderLoadTestPlanMarkdown } from './render-plan.js';

describe('renderLoadTestPlanMarkdown', () => {
  const audit = createSyntheticAudit();
  const md = renderLoadTestPlanMarkdown(createLoadTestPlan(audit.config, audit.environment));

  it('follows the plan layout with users from X and expectations from the criteria', () => {
    for (const h of [
      '## Load Test Plan: synthetic shop',
      '### Objectives',
      '### Test Scenarios',
      '### Success Criteria',
      '### Test Environment',
    ]) {
      expect(md).toContain(h);
    }
    expect(md).toContain('- [ ] Determine maximum capacity');
    expect(md).toContain(
      '#### Scenario 1: Normal Load\n- **Users:** 50 concurrent\n- **Duration:** 1 minute',
    );
    expect(md).toContain('- **Expected Response Time:** p99 &lt; 500ms');
    expect(md).toContain('#### Scenario 2: Peak Load\n- **Users:** 150 concurrent');
    expect(md).toContain('- **Expected Error Rate:** &lt; 0.5%');
    expect(md).toContain('- **Goal:** Find breaking point');
    expect(md).toContain('| p95 Latency | &lt; 400ms | &lt; 600ms |');
    expect(md).toContain('Servers: 2 cores');
  });

  it('redacts the target and flow', () => {
    for (const s of SYNTHETIC_SECRETS) expect(md).not.toContain(s);
  });
});
