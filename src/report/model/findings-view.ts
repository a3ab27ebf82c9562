/** Turns ranked findings into the Bottleneck Analysis entries and the Optimization Plan. */
import type { Finding, FindingCode, FindingLocation } from '../../findings/finding.js';
import { rankFindings } from '../../findings/rank.js';
import type { BottleneckView, OptimizationPlan, PlanItem, ReportModel } from './report-model.js';

/** `file:line[:column]`, else the function, route or query; undefined when nothing is known. */
export function formatLocation(location: FindingLocation | undefined): string | undefined {
  if (!location) return undefined;
  if (location.file) {
    let text = location.file;
    if (location.line !== undefined) text += `:${location.line}`;
    if (location.line !== undefined && location.column !== undefined) text += `:${location.column}`;
    return text;
  }
  return location.functionName ?? location.route ?? location.query;
}

/** Function and route next to a file location, e.g. 'listItems, GET /items'. */
function locationContext(location: FindingLocation | undefined): string | undefined {
  if (!location?.file) return undefined;
  const parts = [location.functionName, location.route].filter((p): p is string => Boolean(p));
  return parts.length > 0 ? parts.join(', ') : undefined;
}

/** The impact line: the finding's own description, else its share, else 'not measured'. */
export function formatImpact(finding: Finding): string {
  const impact = finding.impact;
  if (!impact) return 'not measured';
  if (impact.description) return impact.description;
  if (impact.share !== undefined)
    return `${Math.round(impact.share * 100)}% of ${impact.shareOf ?? 'the total'}`;
  return 'not measured';
}

/** What tells two findings with the same title apart: the location, else the statement. */
function distinction(finding: Finding): string | undefined {
  const location = finding.location;
  const where = location?.file ? formatLocation(location) : undefined;
  if (where) return where;
  const query = location?.query?.replace(/\s+/g, ' ').trim();
  if (query) return query.length > 60 ? `${query.slice(0, 59)}…` : query;
  return location?.functionName ?? location?.route;
}

/**
 * Titles made unique across a report: a repeated title gets what tells the findings apart
 * (file:line or the statement), then a number when even that repeats. Keyed by finding object.
 */
export function distinctTitles(findings: readonly Finding[]): Map<Finding, string> {
  const count = new Map<string, number>();
  for (const f of findings) count.set(f.title, (count.get(f.title) ?? 0) + 1);
  const titles = new Map<Finding, string>();
  const used = new Map<string, number>();
  for (const f of findings) {
    let title = f.title;
    if ((count.get(f.title) ?? 0) > 1) {
      const extra = distinction(f);
      if (extra && !f.title.includes(extra)) title = `${f.title} (${extra})`;
    }
    const seen = (used.get(title) ?? 0) + 1;
    used.set(title, seen);
    titles.set(f, seen > 1 ? `${title} #${seen}` : title);
  }
  return titles;
}

function toView(finding: Finding, rank: number, title = finding.title): BottleneckView {
  const view: BottleneckView = {
    rank,
    id: finding.id,
    title,
    severity: finding.severity,
    area: finding.area,
    impact: formatImpact(finding),
    rootCause: finding.rootCause,
    recommendation: finding.recommendation.text,
    evidence: finding.evidence,
  };
  const location = formatLocation(finding.location);
  if (location !== undefined) view.location = location;
  const context = locationContext(finding.location);
  if (context !== undefined) view.locationContext = context;
  if (finding.recommendation.effort) view.effort = finding.recommendation.effort;
  if (finding.recommendation.diff) view.diff = finding.recommendation.diff;
  if (finding.recommendation.sql) view.sql = finding.recommendation.sql;
  if (finding.code) view.code = finding.code;
  return view;
}

/** Ranks findings by impact; info-level ones become observations, the rest bottlenecks. */
export function createBottleneckViews(findings: readonly Finding[]): {
  bottlenecks: BottleneckView[];
  observations: BottleneckView[];
} {
  const ranked = rankFindings(findings);
  const titles = distinctTitles(ranked);
  const bottlenecks = ranked
    .filter((f) => f.severity !== 'info')
    .map((f, i) => toView(f, i + 1, titles.get(f)));
  const observations = ranked
    .filter((f) => f.severity === 'info')
    .map((f, i) => toView(f, i + 1, titles.get(f)));
  return { bottlenecks, observations };
}

/**
 * How many findings the report writes out in full (issue 14: 219 findings with the real problems
 * at #153); the rest are listed in one table after them, so none is hidden.
 */
export const FULL_FINDINGS_IN_REPORT = 15;

/** A finding as the report shows it, with the heading word of its kind. */
export interface DisplayedFinding {
  view: BottleneckView;
  heading: 'Bottleneck' | 'Observation';
}

/**
 * Splits the bottlenecks, then the observations, into those written in full (the first
 * {@link FULL_FINDINGS_IN_REPORT}) and the rest, which go in the "All other findings" table.
 */
export function splitFindingsForDisplay(
  model: Pick<ReportModel, 'bottlenecks' | 'observations'>,
  cap = FULL_FINDINGS_IN_REPORT,
): { full: DisplayedFinding[]; rest: DisplayedFinding[] } {
  const all: DisplayedFinding[] = [
    ...model.bottlenecks.map((view) => ({ view, heading: 'Bottleneck' as const })),
    ...model.observations.map((view) => ({ view, heading: 'Observation' as const })),
  ];
  return { full: all.slice(0, cap), rest: all.slice(cap) };
}

/**
 * Sorts findings into the plan's three horizons [ref: report-layout]: high effort → Long-term (architectural); low effort
 * with critical/high/medium severity → Immediate; everything else (medium or unknown effort,
 * low-impact quick fixes) → Short-term. Info findings are observations, not plan items.
 * Each horizon keeps the impact ranking.
 */
export function createOptimizationPlan(findings: readonly Finding[]): OptimizationPlan {
  const plan: OptimizationPlan = { immediate: [], shortTerm: [], longTerm: [] };
  const ranked = rankFindings(findings);
  const titles = distinctTitles(ranked);
  for (const finding of ranked) {
    if (finding.severity === 'info') continue;
    const effort = finding.recommendation.effort;
    const item: PlanItem = {
      findingId: finding.id,
      findingIndex: findings.indexOf(finding),
      title: titles.get(finding) ?? finding.title,
      text: finding.recommendation.text,
      severity: finding.severity,
      impact: formatImpact(finding),
    };
    if (effort) item.effort = effort;
    const bigImpact =
      finding.severity === 'critical' ||
      finding.severity === 'high' ||
      finding.severity === 'medium';
    if (effort === 'high') plan.longTerm.push(item);
    else if (effort === 'low' && bigImpact) plan.immediate.push(item);
    else plan.shortTerm.push(item);
  }
  return plan;
}

/** The user's lines as the report shows them: `  57 | text`, the finding's own line `> 59 | text`. */
export function numberSourceLines(code: FindingCode): string[] {
  const lines = code.lines ?? [];
  const width = String(lines.at(-1)?.line ?? code.line).length;
  return lines.map(
    (l) => `${l.line === code.line ? '>' : ' '} ${String(l.line).padStart(width)} | ${l.text}`,
  );
}

/** Headings of a diff: the user's own lines and their rewrite, or the rule's generic example. */
export function diffHeadings(diff: NonNullable<BottleneckView['diff']>): {
  before: string;
  after: string;
} {
  return diff.file
    ? {
        before: `// Before: your code at ${diff.file}${diff.line ? `:${diff.line}` : ''}`,
        after: '// After: the same lines rewritten',
      }
    : { before: '// Before (an example, not your code)', after: '// After' };
}
