/** Table rows of the report's step tables: one per audit step, or one for a plain run. */

import type { AuditStep } from '../../results/audit-result.js';
import type { RunResultFile } from '../../results/run-result.js';
import { readRunStats } from '../../results/run-stats.js';
import type { StepView } from './report-model.js';

/** Builds the table row of an audit step. */
export function createStepView(step: AuditStep): StepView {
  const s = readRunStats(step.run);
  const view: StepView = {
    label: step.label ?? step.kind,
    kind: step.kind,
    durationMs: s.durationMs,
    requests: s.requests,
    rps: s.rps,
    p50: s.p50,
    p95: s.p95,
    p99: s.p99,
    errorRate: s.errorRate,
    generatorSaturated: step.run.generator.saturated,
    valid: step.valid,
  };
  if (step.users !== undefined) view.users = step.users;
  if (step.rate !== undefined) view.rate = step.rate;
  if (step.targetCpuPercent !== undefined) view.targetCpuPercent = step.targetCpuPercent;
  if (step.targetMainThreadPercent !== undefined)
    view.targetMainThreadPercent = step.targetMainThreadPercent;
  if (step.targetMemoryPercent !== undefined) view.targetMemoryPercent = step.targetMemoryPercent;
  if (step.targetRssBytes !== undefined) view.targetRssBytes = step.targetRssBytes;
  if (step.dbServerCpuPercent !== undefined) view.dbServerCpuPercent = step.dbServerCpuPercent;
  view.generatorCpuPercent = step.generatorCpuPercent ?? step.run.generator.cpuPercent;
  if (step.invalidReason !== undefined) view.invalidReason = step.invalidReason;
  return view;
}

/** Builds the table row of a plain run (no target CPU or memory measured). */
export function createRunStepView(run: RunResultFile): StepView {
  const s = readRunStats(run);
  return {
    label: 'run',
    kind: 'run',
    users: s.maxVus,
    durationMs: s.durationMs,
    requests: s.requests,
    rps: s.rps,
    p50: s.p50,
    p95: s.p95,
    p99: s.p99,
    errorRate: s.errorRate,
    generatorCpuPercent: run.generator.cpuPercent,
    generatorSaturated: run.generator.saturated,
    valid: !run.generator.saturated,
    ...(run.generator.saturated ? { invalidReason: 'generator saturated' } : {}),
  };
}
