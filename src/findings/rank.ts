/** Ranking helpers: order findings by impact so the report lists what to fix first. */
import { type Finding, SEVERITY_ORDER, type Severity } from './finding.js';

/** Severity for a measured share of a total (0..1): ≥30% high, ≥10% medium, ≥3% low, else info. */
export function severityFromShare(share: number): Severity {
  if (share >= 0.3) return 'high';
  if (share >= 0.1) return 'medium';
  if (share >= 0.03) return 'low';
  return 'info';
}

/** Compares two severities: negative when `a` is worse than `b`. */
export function compareSeverity(a: Severity, b: Severity): number {
  return SEVERITY_ORDER.indexOf(a) - SEVERITY_ORDER.indexOf(b);
}

/**
 * Returns the findings sorted by severity, then by measured share, then by time cost
 * (all descending). The input array is not modified.
 */
export function rankFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      compareSeverity(a.severity, b.severity) ||
      (b.impact?.share ?? 0) - (a.impact?.share ?? 0) ||
      (b.impact?.timeMs ?? 0) - (a.impact?.timeMs ?? 0),
  );
}
