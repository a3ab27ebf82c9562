/** The monitoring plan: SLO rules and dashboard written from the criteria, alerts named after the rules. */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { optionalBinary } from '../../test/helpers/require-binary.js';
import { DEFAULT_SUCCESS_CRITERIA } from '../results/criteria.js';
import { checkRules } from '../slo/index.js';
import { createMonitoringPlan, criteriaToSlos, toServiceName } from './monitoring.js';

describe('createMonitoringPlan', () => {
  it('writes rules, promtool tests and a dashboard, and names the alerts after the rules', () => {
    const out = mkdtempSync(join(tmpdir(), 'redline-audit-mon-'));
    const findings = [
      {
        id: 'probe.n-plus-one',
        area: 'database' as const,
        title: 'N+1',
        severity: 'high' as const,
        rootCause: '',
        recommendation: { text: '' },
        evidence: [],
      },
    ];
    const { plan, notes } = createMonitoringPlan(
      'Demo Shop!',
      DEFAULT_SUCCESS_CRITERIA,
      findings,
      out,
    );
    expect(notes).toEqual([]);
    const kinds = (plan.files ?? []).map((f) => [f.kind, f.path.slice(out.length + 1)]);
    expect(kinds).toEqual([
      ['rules', 'monitoring/demo-shop.rules.yml'],
      ['rules', 'monitoring/demo-shop.rules.test.yml'],
      ['dashboard', 'monitoring/demo-shop.dashboard.json'],
    ]);
    for (const f of plan.files ?? []) expect(existsSync(f.path)).toBe(true);
    const rules = readFileSync(join(out, 'monitoring/demo-shop.rules.yml'), 'utf8');
    const named = plan.alerts.filter((a) => a.ruleName);
    // p50, p95, p99 and availability: a page and a ticket alert each.
    expect(named).toHaveLength(8);
    for (const a of named) expect(rules).toContain(`alert: ${a.ruleName}`);
    expect(named.map((a) => a.severity).sort()).toEqual([
      'page',
      'page',
      'page',
      'page',
      'ticket',
      'ticket',
      'ticket',
      'ticket',
    ]);
    expect(
      plan.alerts.some((a) => a.name === 'Target CPU high' && a.condition.includes('70%')),
    ).toBe(true);
    expect(plan.metrics.some((m) => m.startsWith('redline_db_queries_total'))).toBe(true);
    const binary = optionalBinary('promtool');
    if (binary)
      expect(checkRules(join(out, 'monitoring/demo-shop.rules.yml'), binary).ok).toBe(true);
  });

  it('says why no rules were written when a threshold is not a bucket bound', () => {
    const out = mkdtempSync(join(tmpdir(), 'redline-audit-mon-'));
    const { plan, notes } = createMonitoringPlan(
      'shop',
      { p95: { target: 123, acceptable: 456 } },
      [],
      out,
    );
    expect(plan.files).toBeUndefined();
    expect(plan.alerts.every((a) => !a.ruleName)).toBe(true);
    expect(notes[0]).toMatch(/^SLO rules not generated: /);
  });

  it('maps the criteria table to SLOs (Target column)', () => {
    expect(criteriaToSlos(DEFAULT_SUCCESS_CRITERIA)).toEqual({
      latency: [
        { percentile: 50, thresholdMs: 200 },
        { percentile: 95, thresholdMs: 400 },
        { percentile: 99, thresholdMs: 500 },
      ],
      errorRate: 0.001,
    });
    expect(toServiceName('  ')).toBe('service');
  });
});
