/**
 * `redline audit --baseline <previous result>`: the normal-load step of this audit compared with
 * the baseline's (compare engine: minimum effect + Mann-Whitney U), plus the p95 of every route a
 * baseline finding pointed at, before and after, from the probe's per-route statistics. A
 * baseline that measured something else than HTTP requests (a gRPC or WebSocket run) verifies
 * nothing: no verification.
 */
import { basename } from 'node:path';
import { compareRuns, createVerification, sameMeasure } from '../compare/index.js';
import type { RouteStats } from '../probe/index.js';
import type { AuditResultFile, Verification, VerifiedMetric } from '../results/audit-result.js';
import { selectBasisStep } from '../results/audit-result.js';
import type { ParsedResult } from '../results/parse-result.js';
import { readResultFile } from '../results/read-result.js';

/** The audit file as Redline writes it: the AuditResultFile (results/audit-result.ts) plus the probe's route stats. */
export interface AuditRecord extends AuditResultFile {
  /**
   * Per-route statistics of the in-app probe over the whole audit (for `--baseline` per-route
   * comparisons). Not read by the report renderers.
   */
  routes?: RouteStats[];
}

/** Reads the baseline file (an audit or a plain run); errors are RedlineErrors with exit codes. */
export function readBaseline(file: string): Promise<ParsedResult> {
  return readResultFile(file);
}

function routeRows(baseline: AuditRecord, routes: readonly RouteStats[]): VerifiedMetric[] {
  const before = new Map((baseline.routes ?? []).map((r) => [r.route, r]));
  const now = new Map(routes.map((r) => [r.route, r]));
  const wanted = new Set(
    baseline.findings
      .map((f) => f.location?.route)
      .filter((r): r is string => Boolean(r) && r !== '*'),
  );
  const rows: VerifiedMetric[] = [];
  for (const route of [...wanted].sort()) {
    const a = before.get(route);
    const b = now.get(route);
    if (!a || !b) continue;
    const ids = baseline.findings.filter((f) => f.location?.route === route).map((f) => f.id);
    rows.push({
      metric: `${route} p95 (${[...new Set(ids)].join(', ')})`,
      unit: 'ms',
      before: a.p95Ms,
      after: b.p95Ms,
      lowerIsBetter: true,
    });
  }
  return rows;
}

/**
 * Builds "Improvements verified": the whole-flow metrics of the basis steps (verdicts from the
 * compare engine) and, when both audits carry probe statistics, the routes of the baseline's findings.
 */
export function createBaselineVerification(
  parsed: ParsedResult,
  file: string,
  current: AuditRecord,
): Verification | undefined {
  const before = parsed.kind === 'run' ? parsed.run : selectBasisStep(parsed.audit)?.run;
  const now = selectBasisStep(current)?.run;
  if (!before || !now) return undefined;
  // A baseline that measured something else (a gRPC or WebSocket run) cannot verify anything.
  if (!sameMeasure([before], [now])) return undefined;
  const verification = createVerification(
    basename(file),
    compareRuns([before], [now]),
    before.meta.runId,
  );
  if (parsed.kind === 'audit')
    verification.metrics.push(...routeRows(parsed.audit as AuditRecord, current.routes ?? []));
  return verification;
}
