/**
 * The report's Final Checklist [ref: report-layout]: an item is checked only when evidence for it
 * exists.
 */
import type { AuditResultFile } from '../../results/audit-result.js';
import { readRunStats } from '../../results/run-stats.js';
import type { ChecklistItem } from './report-model.js';

/** The checklist items in the report's order, keyed for evidence lookup. */
export const CHECKLIST_LABELS = {
  baseline: 'Baseline metrics established',
  loadTests: 'Load tests configured',
  profiling: 'Profiling completed',
  bottlenecks: 'Bottlenecks identified',
  optimizations: 'Optimizations implemented',
  verified: 'Improvements verified',
  monitoring: 'Monitoring configured',
  alerts: 'Alerts set up',
  documentation: 'Documentation updated',
} as const;

/** Evidence text per item; a missing entry leaves the item unchecked. */
export type ChecklistEvidence = Partial<Record<keyof typeof CHECKLIST_LABELS, string>>;

/** Builds the checklist; unchecked items say what evidence is missing. */
export function createChecklist(
  evidence: ChecklistEvidence,
  missing: ChecklistEvidence = {},
): ChecklistItem[] {
  return (Object.keys(CHECKLIST_LABELS) as Array<keyof typeof CHECKLIST_LABELS>).map((key) => {
    const found = evidence[key];
    return {
      label: CHECKLIST_LABELS[key],
      checked: found !== undefined,
      evidence: found ?? missing[key] ?? 'no evidence in this result',
    };
  });
}

/** Collects the evidence an audit result holds for each checklist item. */
export function collectAuditEvidence(
  audit: AuditResultFile,
  bottleneckCount: number,
): ChecklistEvidence {
  const e: ChecklistEvidence = {};
  const baseline = audit.steps.find((s) => s.kind === 'baseline' && s.valid);
  if (baseline) {
    const s = readRunStats(baseline.run);
    if (s.requests > 0)
      e.baseline = `baseline step: ${s.requests} requests, p95 ${s.p95.toFixed(1)} ms`;
  }
  const loadSteps = audit.steps.filter((s) => s.kind !== 'baseline');
  const validLoad = loadSteps.filter((s) => s.valid);
  if (validLoad.length > 0) {
    const invalid = loadSteps.length - validLoad.length;
    e.loadTests = `${validLoad.length} valid load steps (${[...new Set(validLoad.map((s) => s.kind))].join(', ')})${invalid > 0 ? `; ${invalid} invalid` : ''}`;
  }
  if (audit.profile && audit.profile.sampleCount > 0) {
    e.profiling = `CPU profile under normal load: ${audit.profile.sampleCount} samples over ${(audit.profile.durationMs / 1000).toFixed(0)} s`;
  }
  if (bottleneckCount > 0) e.bottlenecks = `${bottleneckCount} bottlenecks ranked by impact`;
  const runGains = (audit.gains ?? []).filter((g) => g.source === 'verify-run');
  if (runGains.length > 0) e.optimizations = `${runGains.length} gains measured by verify runs`;
  else if (audit.verification)
    e.optimizations = `re-run against baseline ${audit.verification.baseline}`;
  const improved = audit.verification?.metrics.filter((m) => m.verdict === 'improvement') ?? [];
  if (improved.length > 0) {
    e.verified = `${improved.map((m) => m.metric).join(', ')} significantly better than ${audit.verification?.baseline}`;
  }
  const files = audit.monitoring?.files ?? [];
  const configured = files.filter((f) => f.kind === 'dashboard' || f.kind === 'metrics');
  if (configured.length > 0) e.monitoring = `written: ${configured.map((f) => f.path).join(', ')}`;
  const rules = files.filter((f) => f.kind === 'rules');
  const named = audit.monitoring?.alerts.filter((a) => a.ruleName) ?? [];
  if (rules.length > 0 && named.length > 0) {
    e.alerts = `${named.length} alert rules in ${rules.map((f) => f.path).join(', ')}`;
  }
  if (audit.documentation && audit.documentation.length > 0)
    e.documentation = `updated: ${audit.documentation.join(', ')}`;
  return e;
}

/** What an audit is missing for each unchecked item (shown instead of evidence). */
export const AUDIT_MISSING: ChecklistEvidence = {
  baseline: 'no valid baseline step',
  loadTests: 'no valid load step',
  profiling: 'no profile under load',
  bottlenecks: 'no finding above info level',
  optimizations: 'no verify run or --baseline re-run yet',
  verified: 'no metric significantly better than a baseline yet (redline audit --baseline)',
  monitoring: 'no dashboard or metrics configuration written',
  alerts: 'no alert rules generated',
  documentation: 'no documentation file recorded',
};
