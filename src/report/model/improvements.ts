/** "Expected Improvements": measured gains where a verify run measured them, estimates otherwise. */
import type { Finding } from '../../findings/finding.js';
import type { MeasuredGain, Verification } from '../../results/audit-result.js';
import type { ImprovementRow, ImprovementsView, OptimizationPlan } from './report-model.js';

/** Relative change `after` vs `before` as a signed percentage text: '−60%', '+12%', '0%'. */
export function formatRelativeChange(before: number, after: number): string {
  if (before === 0) return after === 0 ? '0%' : 'new';
  const pct = ((after - before) / Math.abs(before)) * 100;
  const rounded = Math.abs(pct) >= 10 ? Math.round(pct) : Number(pct.toFixed(1));
  if (rounded === 0) return '0%';
  return rounded > 0 ? `+${rounded}%` : `−${Math.abs(rounded)}%`;
}

function formatAmount(value: number, unit: string): string {
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  const text = Number(value.toFixed(digits)).toString();
  return unit === '%' ? `${text}%` : `${text} ${unit}`;
}

function measuredGainText(gain: MeasuredGain): string {
  const change = formatRelativeChange(gain.before, gain.after);
  const range = `${formatAmount(gain.before, gain.unit)} → ${formatAmount(gain.after, gain.unit)}`;
  return `${change} ${gain.metric} (${range}, measured by ${gain.source})`;
}

function estimateText(finding: Finding | undefined): string {
  const share = finding?.impact?.share;
  if (share === undefined) return 'not quantified (estimate)';
  return `up to −${Math.round(share * 100)}% ${finding?.impact?.shareOf ?? 'of the measured total'} (estimate)`;
}

/**
 * What time a finding's share covers: its query, else its source line, else its route. Two
 * findings on the same key describe the same time (an N+1 and the missing index of its query,
 * a synchronous call and the blocked loop it causes at the same line): counted once.
 */
function overlapKey(finding: Finding): string | undefined {
  const at = finding.location;
  if (!at) return undefined;
  if (at.query) return `query ${at.query}`;
  if (at.file && at.line !== undefined) return `line ${at.file}:${at.line}`;
  if (at.route) return `route ${at.route}`;
  return undefined;
}

/**
 * Combined estimate per "share of" quantity: findings on the same time (same query, line or
 * route) count once with the largest share, distinct ones combine as 1 − Π(1 − share) (their
 * shares overlap at most). Never the same finding or the same time twice (issue 13 §3).
 */
function totalEstimate(findings: readonly (Finding | undefined)[]): string | undefined {
  const byWhat = new Map<string, Map<string, number>>();
  for (const [i, f] of findings.entries()) {
    const share = f?.impact?.share;
    if (!f || share === undefined) continue;
    const what = f.impact?.shareOf ?? 'of the measured total';
    const keys = byWhat.get(what) ?? new Map<string, number>();
    const key = overlapKey(f) ?? `finding ${i}`;
    keys.set(key, Math.max(keys.get(key) ?? 0, share));
    byWhat.set(what, keys);
  }
  if (byWhat.size === 0) return undefined;
  const parts = [...byWhat].map(([what, keys]) => {
    const combined = 1 - [...keys.values()].reduce((rest, s) => rest * (1 - s), 1);
    return `up to −${Math.round(combined * 100)}% ${what}`;
  });
  return `${parts.join('; ')} (estimate)`;
}

function verifiedRows(
  verification: Verification,
): NonNullable<ImprovementsView['verified']>['rows'] {
  return verification.metrics.map((m) => {
    const improved = m.lowerIsBetter ? m.after < m.before : m.after > m.before;
    return {
      metric: m.metric,
      before: formatAmount(m.before, m.unit),
      after: formatAmount(m.after, m.unit),
      change: formatRelativeChange(m.before, m.after),
      verdict: m.verdict ?? (improved ? 'improved (not tested)' : 'not improved (not tested)'),
      improved,
    };
  });
}

/**
 * Builds the table in plan order (Immediate, Short-term, Long-term). A row is `measured` only
 * when a verify run or `--verify-index` measured that finding's gain. The Total row is the
 * verified baseline-vs-now change of a latency metric when one exists, else a combined estimate.
 */
export function createImprovements(
  findings: readonly Finding[],
  plan: OptimizationPlan,
  gains: readonly MeasuredGain[] = [],
  verification?: Verification,
): ImprovementsView {
  const items = [...plan.immediate, ...plan.shortTerm, ...plan.longTerm];
  // Each item's own finding (ids repeat: two cache candidates on different queries), never the
  // first finding that happens to share its id.
  const findingOf = (item: (typeof items)[number]): Finding | undefined =>
    item.findingIndex !== undefined
      ? findings[item.findingIndex]
      : findings.find((f) => f.id === item.findingId);
  const rows: ImprovementRow[] = items.map((item) => {
    // A finding merged into this one (merge-root-causes) brings its measured gains along.
    const finding = findingOf(item);
    const ids = new Set([item.findingId, ...(finding?.merged ?? [])]);
    // Merged findings share their host's statement, so the statement check holds for them too.
    // One index for several statements: each statement's measured gain is this finding's.
    const queries = new Set([finding?.location?.query, ...(finding?.alsoQueries ?? [])]);
    const measured = gains.filter(
      (g) => ids.has(g.findingId) && (g.query === undefined || queries.has(g.query)),
    );
    if (measured.length > 0) {
      return {
        optimization: item.title,
        gain: measured.map(measuredGainText).join('; '),
        measured: true,
      };
    }
    return {
      optimization: item.title,
      gain: estimateText(finding),
      measured: false,
    };
  });
  const view: ImprovementsView = {
    rows,
    total: {
      optimization: 'Total',
      gain: totalEstimate(items.map(findingOf)) ?? 'not quantified',
      measured: false,
    },
  };
  if (verification) {
    view.verified = { baseline: verification.baseline, rows: verifiedRows(verification) };
    const latency = verification.metrics.find((m) => /latency|duration|p\d\d/i.test(m.metric));
    if (latency) {
      const change = formatRelativeChange(latency.before, latency.after);
      view.total = {
        optimization: 'Total',
        gain: `${change} ${latency.metric} (${formatAmount(latency.before, latency.unit)} → ${formatAmount(latency.after, latency.unit)}, measured against ${verification.baseline})`,
        measured: true,
      };
    }
  }
  return view;
}
