/** The few lines `redline audit` and `redline demo` print at the end: where the report is, what it found. */

import { relative } from 'node:path';
import { formatLocation } from '../report/index.js';
import { leakCheckVerdict } from '../results/audit-result.js';
import { redactText } from '../util/redact.js';
import type { AuditRun } from './run-audit.js';

function shortPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
}

/** Renders the closing summary (redacted with `secrets`). */
export function renderAuditSummary(run: AuditRun, secrets: readonly string[], top = 5): string {
  const r = run.result;
  const lines: string[] = [];
  const report = run.files.find((f) => f.endsWith('report.md'));
  const html = run.files.find((f) => f.endsWith('report.html'));
  lines.push(
    `Audit finished in ${Math.round(run.durationMs / 1000)} s${run.interrupted ? ' (interrupted: partial results)' : ''}.`,
  );
  if (report) lines.push(`Report: ${shortPath(report)}${html ? ` and ${shortPath(html)}` : ''}`);
  const bp = r.breakingPoint;
  if (bp) {
    lines.push(
      bp.reason === 'not-reached'
        ? `Capacity: ${bp.maxRps.toFixed(1)} req/s reached; no breaking point within the ramp.`
        : `Capacity: about ${bp.maxRps.toFixed(1)} req/s; breaks at ${bp.users} users (${bp.reason}, ${(bp.errorRate * 100).toFixed(2)}% errors).`,
    );
  }
  const leak = r.steps.find((s) => s.leakCheck)?.leakCheck;
  if (leak)
    lines.push(
      `Leak check: ${leakCheckVerdict(leak)}${leak.cannotTell ? ` (${leak.cannotTell})` : ''}.`,
    );
  const findings = r.findings.filter((f) => f.severity !== 'info');
  lines.push(
    findings.length === 0
      ? 'No bottleneck found above the thresholds.'
      : `Top findings (${findings.length} in all):`,
  );
  for (const [i, f] of findings.slice(0, top).entries()) {
    const where = formatLocation(f.location);
    lines.push(`  ${i + 1}. [${f.severity}] ${f.title}${where ? ` — ${where}` : ''}`);
    if (f.recommendation.sql) lines.push(`     fix: ${f.recommendation.sql}`);
  }
  const verified = r.verification?.metrics.slice(0, 4) ?? [];
  if (verified.length > 0) {
    lines.push(`Improvements verified against ${r.verification?.baseline}:`);
    for (const m of verified)
      lines.push(
        `  ${m.metric}: ${m.before.toFixed(1)} → ${m.after.toFixed(1)} ${m.unit}${m.verdict ? ` (${m.verdict})` : ''}`,
      );
  }
  return redactText(`${lines.join('\n')}\n`, { secrets });
}
