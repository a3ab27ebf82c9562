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
 * Returns the findings sorted by severity, then by the common measure `impact.perRequestMs` (the
 * time a fix saves per request of the run, comparable across rules: common-impact.ts), findings
 * without it after those with it, then by the rule's own share and time cost (all descending).
 * The input array is not modified.
 */
export function rankFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      compareSeverity(a.severity, b.severity) ||
      comparePerRequest(a, b) ||
      (b.impact?.share ?? 0) - (a.impact?.share ?? 0) ||
      (b.impact?.timeMs ?? 0) - (a.impact?.timeMs ?? 0),
  );
}

/** Negative when `a` saves more time per request than `b`; a finding with the estimate first. */
function comparePerRequest(a: Finding, b: Finding): number {
  const x = a.impact?.perRequestMs;
  const y = b.impact?.perRequestMs;
  if (x === undefined || y === undefined)
    return (x === undefined ? 1 : 0) - (y === undefined ? 1 : 0);
  return y - x;
}
