/** Builds the ReportModel of an audit (redacted first, so no renderer can leak a secret). */

import {
  type AuditResultFile,
  type AuditStep,
  leakCheckVerdict,
  selectBasisStep,
} from '../../results/audit-result.js';
import { readRunStats } from '../../results/run-stats.js';
import { type RedactOptions, redactDeep } from '../../util/redact.js';
import { formatRps } from '../format.js';
import { createAuditDetailCharts, createStressChart, createTimeline } from './charts.js';
import { AUDIT_MISSING, collectAuditEvidence, createChecklist } from './checklist.js';
import { describeInfrastructure, environmentRows } from './environment.js';
import { createBottleneckViews, createOptimizationPlan } from './findings-view.js';
import { createImprovements } from './improvements.js';
import { createMonitoringView } from './monitoring.js';
import { createPerformanceRows, describeRows, overallVerdict } from './performance.js';
import type { LoadTestView, ReportModel, StepView } from './report-model.js';
import { createStepView } from './step-view.js';
import { formatThroughputInterval, throughputInterval } from './throughput-interval.js';

/**
 * The CPU the criterion grades: the machine's share, or the busiest main thread's share of one
 * core when higher. A Node service runs its JavaScript on one thread: a loop 94 % busy is
 * saturated even when the machine shows 42 % (issue 13 §3), so that is the figure graded.
 */
export function cpuMeasure(step: AuditStep | undefined): { value?: number; note?: string } {
  const machine = step?.targetCpuPercent;
  const loop = step?.targetMainThreadPercent;
  if (machine === undefined) return {};
  if (loop === undefined || loop <= machine) return { value: machine, note: 'of all cores' };
  return {
    value: loop,
    note: `main thread (event loop) of one core; all cores ${machine.toFixed(0)}%`,
  };
}

function performance(
  audit: AuditResultFile,
  basis: AuditStep | undefined,
): ReportModel['performance'] {
  const stats = basis ? readRunStats(basis.run) : undefined;
  const bp = audit.breakingPoint;
  const capacity = bp && bp.reason !== 'not-reached' ? bp.maxRps : undefined;
  const rows = createPerformanceRows(audit.config.criteria, {
    p50: { value: stats?.p50 },
    p95: { value: stats?.p95 },
    p99: { value: stats?.p99 },
    errorRate: { value: stats?.errorRate },
    throughput:
      capacity !== undefined
        ? { value: capacity, note: 'maximum capacity (stress ramp)' }
        : { value: stats?.rps, note: 'at normal load; no breaking point measured' },
    cpu: cpuMeasure(basis),
    memory: { value: basis?.targetMemoryPercent },
  });
  const basisText = basis
    ? `${basis.label ?? basis.kind} step${basis.users !== undefined ? ` (${basis.users} users)` : ''}${basis.valid ? '' : ' — INVALID: ' + (basis.invalidReason ?? 'untrusted')}`
    : 'no step ran';
  return { basis: basisText, rows };
}

/**
 * Which stress step gave the capacity and how sure it is: the valid step before the knee whose
 * throughput is the capacity, its per-second interval, and what broke at the knee (issue 13 §3:
 * capacity from short steps needs uncertainty and the limiting step).
 */
function capacityStepText(audit: AuditResultFile): string {
  const bp = audit.breakingPoint;
  if (!bp || bp.reason === 'not-reached') return '';
  const stress = audit.steps.filter((s) => s.kind === 'stress');
  const before = stress.slice(0, Math.max(0, bp.kneeIndex)).filter((s) => s.valid);
  const step =
    before.find((s) => Math.abs(readRunStats(s.run).rps - bp.maxRps) < 1e-9) ?? before.at(-1);
  if (!step) return '';
  const interval = throughputInterval(step.run);
  const users = step.users !== undefined ? `${step.users} users` : 'the step before the knee';
  const knee = stress[bp.kneeIndex];
  return `: ${users}${interval ? `, ${formatThroughputInterval(interval)}` : ''}; limited at ${knee?.users ?? bp.users} users`;
}

function loadTest(audit: AuditResultFile, steps: StepView[]): LoadTestView {
  const bp = audit.breakingPoint;
  const broke = bp !== undefined && bp.reason !== 'not-reached';
  const reason: Record<string, string> = {
    errors: 'the error-rate criterion broke',
    latency: 'a latency criterion broke',
    'throughput-plateau': 'throughput stopped rising',
  };
  const soak = audit.steps.find((s) => s.kind === 'soak' && s.leakCheck);
  const view: LoadTestView = {
    configuration: {
      users: audit.config.baseUsers,
      durationMs: steps.reduce((sum, s) => sum + s.durationMs, 0),
      infrastructure: describeInfrastructure(audit.environment),
      target: audit.config.target,
      flow: [...audit.config.flow],
      testData: audit.config.testData ?? 'not stated',
    },
    results: {
      maxCapacityNote: broke
        ? `highest throughput while every criterion held (stress ramp)${capacityStepText(audit)}`
        : bp
          ? 'highest throughput reached; the ramp ended before anything broke'
          : 'no stress ramp ran',
      breakingPointNote: broke ? `first stress step where ${reason[bp.reason]}` : 'not reached',
    },
    steps,
    environment: environmentRows(audit.environment),
    statusCodes: {},
    errors: {},
    thresholds: [],
    checks: [],
  };
  if (bp) view.results.maxCapacityRps = bp.maxRps;
  if (broke) {
    view.results.breakingPointUsers = bp.users;
    view.results.errorThreshold = { errorRate: bp.errorRate, users: bp.users };
  }
  if (soak?.leakCheck) view.leakCheck = soak.leakCheck;
  for (const [i, step] of audit.steps.entries()) addRunDetails(view, steps[i]!.label, step.run);
  return view;
}

/** Adds a run's status codes, errors, thresholds and checks to the load-test view. */
export function addRunDetails(view: LoadTestView, label: string, run: AuditStep['run']): void {
  for (const [code, n] of Object.entries(run.statusCodes))
    view.statusCodes[code] = (view.statusCodes[code] ?? 0) + n;
  for (const [cls, n] of Object.entries(run.errors)) view.errors[cls] = (view.errors[cls] ?? 0) + n;
  for (const t of run.thresholds) {
    view.thresholds.push({
      step: label,
      metric: t.metric,
      expression: t.expression,
      ok: t.ok,
      observed: t.observed,
    });
  }
  for (const c of run.checks)
    view.checks.push({ step: label, name: c.name, path: c.path, passes: c.passes, fails: c.fails });
}

function summary(
  audit: AuditResultFile,
  model: Omit<ReportModel, 'summary'>,
  basis?: AuditStep,
): string[] {
  const name = audit.config.systemName ?? audit.config.target;
  const out = [
    `Under ${basis?.kind === 'load' ? `normal load (${basis.users ?? audit.config.baseUsers} users)` : model.performance.basis}, ${name} ${describeRows(model.performance.rows)}.`,
  ];
  const r = model.loadTest.results;
  if (r.breakingPointUsers !== undefined) {
    const errors = r.errorThreshold
      ? ` with ${(r.errorThreshold.errorRate * 100).toFixed(2)}% errors`
      : '';
    out.push(
      `Maximum capacity is about ${formatRps(r.maxCapacityRps)}; the service breaks at ${r.breakingPointUsers} users (${r.breakingPointNote})${errors}.`,
    );
  } else {
    out.push(`No breaking point was found (${r.maxCapacityNote}).`);
  }
  const top = model.bottlenecks.slice(0, 2);
  if (top.length > 0) {
    out.push(
      `Biggest bottlenecks: ${top.map((b) => `${b.title}${b.location ? ` at ${b.location}` : ''} (${b.impact})`).join('; ')}.`,
    );
  }
  for (const s of model.loadTest.steps.filter((x) => !x.valid)) {
    out.push(
      `Step ${s.label} is invalid (${s.invalidReason ?? 'untrusted'}): its numbers are shown but not graded.`,
    );
  }
  const leak = model.loadTest.leakCheck;
  if (leak)
    out.push(
      `Endurance: ${leak.leakSuspected ? 'memory leak suspected' : leakCheckVerdict(leak)}: ${leak.note}.`,
    );
  return out;
}

/**
 * Builds the report of an audit. The audit is redacted (keys, URLs, bodies, headers) before
 * anything is read; `options.secrets` adds exact values known from the flow.
 */
export function createReportModelFromAudit(
  input: AuditResultFile,
  options: RedactOptions = {},
): ReportModel {
  const audit = redactDeep(input, options);
  const basis = selectBasisStep(audit);
  const steps = audit.steps.map(createStepView);
  const { bottlenecks, observations } = createBottleneckViews(audit.findings);
  const plan = createOptimizationPlan(audit.findings);
  const partial: Omit<ReportModel, 'summary'> = {
    format: 'redline-report',
    version: 1,
    kind: 'audit',
    title: `Performance Analysis Report: ${audit.config.systemName ?? audit.config.target}`,
    subject: audit.config.target,
    startedAtMs: audit.startedAtMs,
    redlineVersion: audit.redlineVersion,
    performance: performance(audit, basis),
    bottlenecks,
    observations,
    loadTest: loadTest(audit, steps),
    plan,
    improvements: createImprovements(audit.findings, plan, audit.gains, audit.verification),
    monitoring: createMonitoringView(audit.monitoring, audit.config.criteria),
    checklist: createChecklist(collectAuditEvidence(audit, bottlenecks.length), AUDIT_MISSING),
    charts: {
      ...createTimeline(
        audit.steps.map((s, i) => ({ label: steps[i]!.label, run: s.run, valid: s.valid })),
      ),
      distribution: basis?.run.distribution ?? [],
      stress: createStressChart(audit),
      ...createAuditDetailCharts(audit),
    },
  };
  if (partial.charts.stress === undefined) delete partial.charts.stress;
  const verdict = overallVerdict(partial.performance.rows);
  return { ...partial, summary: { verdict, paragraphs: summary(audit, partial, basis) } };
}
