// Tests of the audit → ReportModel mapping: basis step, grading, plan horizons, improvements, checklist, redaction.
import { describe, expect, it } from 'vitest';
import {
  createSyntheticAudit,
  SYNTHETIC_SECRETS,
} from '../../results/__fixtures__/synthetic-audit.js';
import { renderJson } from '../json/render-json.js';
import { createReportModelFromAudit } from './create-from-audit.js';

describe('createReportModelFromAudit', () => {
  it('grades the normal-load step, throughput included; the stress capacity is only a note', () => {
    const model = createReportModelFromAudit(createSyntheticAudit());
    expect(model.performance.basis).toBe('load step (50 users)');
    const byMetric = Object.fromEntries(model.performance.rows.map((r) => [r.metric, r]));
    const load = model.loadTest.steps.find((s) => s.kind === 'load');
    expect(byMetric.throughput?.value).toBe(load?.rps);
    expect(byMetric.throughput?.value).toBeGreaterThan(400);
    expect(byMetric.throughput?.value).toBeLessThan(450);
    expect(byMetric.throughput?.note).toBe(
      'at normal load; maximum capacity 1,150 req/s (stress ramp)',
    );
    expect(byMetric.cpu?.value).toBeCloseTo(18, 5);
    // The capacity names its stress step, with the step's per-second interval, and the knee.
    expect(model.loadTest.results.maxCapacityNote).toMatch(
      /^highest throughput while every criterion held \(stress ramp\): \d+ users, [\d.]+ req\/s \(95% CI [\d.]+–[\d.]+ over \d+ s, best second [\d.]+\); limited at 300 users$/,
    );
    expect(model.summary.verdict).toBe('pass');
  });

  it('grades CPU by the busiest event loop when it is busier than the machine (issue 13 §3)', () => {
    const audit = createSyntheticAudit();
    const load = audit.steps.find((s) => s.kind === 'load')!;
    load.targetCpuPercent = 42; // 2 cores: the machine looks fine...
    load.targetMainThreadPercent = 94; // ...but the single JavaScript thread is saturated
    const cpu = createReportModelFromAudit(audit).performance.rows.find((r) => r.metric === 'cpu');
    expect(cpu?.value).toBe(94);
    expect(cpu?.status).toBe('fail');
    expect(cpu?.note).toBe('main thread (event loop) of one core; all cores 42%');
    // An idle loop next to busy worker threads: the machine's share is graded.
    load.targetMainThreadPercent = 10;
    const machine = createReportModelFromAudit(audit).performance.rows.find(
      (r) => r.metric === 'cpu',
    );
    expect(machine?.value).toBe(42);
    expect(machine?.status).toBe('pass');
  });

  it('grades a slow service as acceptable or failing', () => {
    const audit = createSyntheticAudit();
    const load = audit.steps.find((s) => s.kind === 'load')!;
    load.run.metrics.http_req_duration!.values['p(95)'] = 500; // between 400 (target) and 600 (acceptable)
    load.run.metrics.http_req_duration!.values['p(99)'] = 900; // beyond 800
    const rows = createReportModelFromAudit(audit).performance.rows;
    expect(rows.find((r) => r.metric === 'p95')?.status).toBe('acceptable');
    expect(rows.find((r) => r.metric === 'p99')?.status).toBe('fail');
    expect(createReportModelFromAudit(audit).summary.verdict).toBe('fail');
  });

  it('sorts findings into the plan horizons by impact and effort', () => {
    const plan = createReportModelFromAudit(createSyntheticAudit()).plan;
    expect(plan.immediate.map((i) => i.findingId)).toEqual(['db.missing-index', 'cpu.sync-crypto']);
    expect(plan.shortTerm.map((i) => i.findingId)).toEqual(['http.no-keepalive']);
    expect(plan.longTerm.map((i) => i.findingId)).toEqual(['arch.single-process']);
  });

  it('marks measured gains as measured and everything else as an estimate', () => {
    const { improvements } = createReportModelFromAudit(createSyntheticAudit());
    const index = improvements.rows.find((r) => r.optimization.startsWith('Sequential scan'))!;
    expect(index.measured).toBe(true);
    expect(index.gain).toContain('−99% query time');
    const crypto = improvements.rows.find((r) => r.optimization.startsWith('Synchronous'))!;
    expect(crypto.measured).toBe(false);
    expect(crypto.gain).toBe('up to −31% CPU time under load (estimate)');
    expect(improvements.total.measured).toBe(true);
  });

  it('combines estimates per quantity when nothing was verified', () => {
    const audit = createSyntheticAudit();
    delete audit.verification;
    const total = createReportModelFromAudit(audit).improvements.total;
    // request latency: 1 − (1 − 0.46)(1 − 0.12) = 0.5248
    expect(total.gain).toBe(
      'up to −52% request latency; up to −31% CPU time under load (estimate)',
    );
    expect(total.measured).toBe(false);
  });

  it('checks checklist items only with evidence', () => {
    const audit = createSyntheticAudit();
    const checked = (a: typeof audit) =>
      Object.fromEntries(createReportModelFromAudit(a).checklist.map((c) => [c.label, c.checked]));
    expect(checked(audit)).toMatchObject({
      'Baseline metrics established': true,
      'Profiling completed': true,
      'Improvements verified': true,
      'Monitoring configured': false,
      'Alerts set up': true,
      'Documentation updated': false,
    });
    delete audit.profile;
    delete audit.verification;
    audit.monitoring = undefined;
    audit.documentation = ['docs/performance.md'];
    expect(checked(audit)).toMatchObject({
      'Profiling completed': false,
      'Optimizations implemented': false,
      'Improvements verified': false,
      'Alerts set up': false,
      'Documentation updated': true,
    });
  });

  it('reports the breaking point, the leak check and invalid steps', () => {
    const model = createReportModelFromAudit(createSyntheticAudit());
    expect(model.loadTest.results.breakingPointUsers).toBe(300);
    expect(model.loadTest.results.errorThreshold).toEqual({ errorRate: 0.03, users: 300 });
    expect(model.loadTest.leakCheck?.leakSuspected).toBe(true);
    const spike = model.loadTest.steps.find((s) => s.kind === 'spike')!;
    expect(spike.valid).toBe(false);
    expect(model.summary.paragraphs.join(' ')).toContain('Step spike is invalid');
    expect(model.charts.stress?.kneeIndex).toBe(3);
    expect(model.charts.segments).toHaveLength(10);
  });

  it('leaks no secret into the JSON rendering', () => {
    const json = renderJson(createReportModelFromAudit(createSyntheticAudit()));
    for (const s of SYNTHETIC_SECRETS) expect(json).not.toContain(s);
    expect(JSON.parse(json).format).toBe('redline-report');
  });

  it('removes extra secrets passed by the caller', () => {
    const audit = createSyntheticAudit();
    audit.findings[0]!.rootCause += ' user alice-pw-XYZ logged in';
    const json = renderJson(createReportModelFromAudit(audit, { secrets: ['alice-pw-XYZ'] }));
    expect(json).not.toContain('alice-pw-XYZ');
  });
});
