/** Turns ranked findings into the Bottleneck Analysis entries and the Optimization Plan. */
import type { Finding, FindingLocation } from '../../findings/finding.js';
import { rankFindings } from '../../findings/rank.js';
import type { BottleneckView, OptimizationPlan, PlanItem } from './report-model.js';

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

function toView(finding: Finding, rank: number): BottleneckView {
  const view: BottleneckView = {
    rank,
    id: finding.id,
    title: finding.title,
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
  return view;
}

/** Ranks findings by impact; info-level ones become observations, the rest bottlenecks. */
export function createBottleneckViews(findings: readonly Finding[]): {
  bottlenecks: BottleneckView[];
  observations: BottleneckView[];
} {
  const ranked = rankFindings(findings);
  const bottlenecks = ranked.filter((f) => f.severity !== 'info').map((f, i) => toView(f, i + 1));
  const observations = ranked.filter((f) => f.severity === 'info').map((f, i) => toView(f, i + 1));
  return { bottlenecks, observations };
}

/**
 * Sorts findings into the plan's three horizons [ref: report-layout]: high effort → Long-term (architectural); low effort
 * with critical/high/medium severity → Immediate; everything else (medium or unknown effort,
 * low-impact quick fixes) → Short-term. Info findings are observations, not plan items.
 * Each horizon keeps the impact ranking.
 */
export function createOptimizationPlan(findings: readonly Finding[]): OptimizationPlan {
  const plan: OptimizationPlan = { immediate: [], shortTerm: [], longTerm: [] };
  for (const finding of rankFindings(findings)) {
    if (finding.severity === 'info') continue;
    const effort = finding.recommendation.effort;
    const item: PlanItem = {
      findingId: finding.id,
      title: finding.title,
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
