/** Renders database findings as numbered terminal blocks (what, impact, why, fix, evidence). */
import type { Finding } from '../../findings/finding.js';

/** One block per finding, in the given (already ranked) order. */
export function renderFindingsText(findings: readonly Finding[]): string {
  if (findings.length === 0) return 'No problems found by the plan rules.\n';
  const blocks = findings.map((f, i) => {
    const lines = [`${i + 1}. [${f.severity}] ${f.title}  (${f.id})`];
    if (f.location?.route) lines.push(`   route: ${f.location.route}`);
    if (f.location?.file)
      lines.push(`   at: ${f.location.file}${f.location.line ? `:${f.location.line}` : ''}`);
    if (f.location?.functionName && !f.location.file)
      lines.push(`   node: ${f.location.functionName}`);
    if (f.impact)
      lines.push(
        `   impact: ${f.impact.description}${(f.impact.timeMs ?? 0) > 0 ? ` (est. saving ${f.impact.timeMs} ms)` : ''}`,
      );
    lines.push(`   why: ${f.rootCause}`);
    lines.push(`   fix: ${f.recommendation.text}`);
    if (f.recommendation.sql) lines.push(`        ${f.recommendation.sql}`);
    const evidence = f.evidence
      .map((e) => `${e.label} ${e.value}${e.unit ? ` ${e.unit}` : ''}`)
      .join('; ');
    if (evidence) lines.push(`   evidence: ${evidence}`);
    return lines.join('\n');
  });
  return `${blocks.join('\n\n')}\n`;
}
