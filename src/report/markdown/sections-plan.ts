/** Markdown of Optimization Plan, Expected Improvements, Monitoring Recommendations and the checklist. */
import type { PlanItem, ReportModel } from '../model/report-model.js';
import { bullets, numbered, table, text } from './md.js';

function planItem(item: PlanItem): string {
  const effort = item.effort ? `effort ${item.effort}` : 'effort not rated';
  return `**${text(item.title)}**: ${text(item.text)} (${text(item.impact)}; ${effort})`;
}

/** "### Optimization Plan" in three horizons [ref: report-layout]. */
export function renderPlan(model: ReportModel): string {
  const p = model.plan;
  return [
    '### Optimization Plan',
    '',
    '#### Immediate (High Impact, Low Effort)',
    numbered(p.immediate.map(planItem)),
    '',
    '#### Short-term (High Impact, Medium Effort)',
    numbered(p.shortTerm.map(planItem)),
    '',
    '#### Long-term (Architectural Changes)',
    numbered(p.longTerm.map(planItem)),
  ].join('\n');
}

/** ✅ improvement, ❌ regression, ➖ no change or not significant; untested values by direction. */
export function verdictSymbol(verdict: string, improved: boolean): string {
  if (verdict === 'improvement') return '✅';
  if (verdict === 'regression') return '❌';
  if (verdict === 'no-change' || verdict === 'not-significant') return '➖';
  return improved ? '✅' : '❌';
}

/** "### Expected Improvements" (+ "Improvements verified" after a baseline re-run). */
export function renderImprovements(model: ReportModel): string {
  const v = model.improvements;
  const rows = v.rows.map((r) => [text(r.optimization), text(r.gain)]);
  rows.push([`**${text(v.total.optimization)}**`, `**${text(v.total.gain)}**`]);
  const out = [
    '### Expected Improvements',
    '',
    'Gains marked "measured" come from a verify run or `--verify-index`; every other figure is an estimate from the finding\'s measured share.',
    '',
    table(['Optimization', 'Expected Gain'], rows),
  ];
  if (v.verified) {
    const vr = v.verified.rows.map((r) => [
      text(r.metric),
      text(r.before),
      text(r.after),
      text(r.change),
      `${verdictSymbol(r.verdict, r.improved)} ${text(r.verdict)}`,
    ]);
    out.push(
      '',
      `#### Improvements verified (against ${text(v.verified.baseline)})`,
      '',
      table(['Metric', 'Before', 'After', 'Change', 'Verdict'], vr),
    );
  }
  return out.join('\n');
}

/** "### Monitoring Recommendations". */
export function renderMonitoring(model: ReportModel): string {
  const m = model.monitoring;
  const note =
    m.source === 'derived'
      ? ['_Derived from the success criteria; the audit supplied none._', '']
      : [];
  return [
    '### Monitoring Recommendations',
    '',
    ...note,
    '**Metrics to Track:**',
    bullets(m.metrics.map(text)),
    '',
    '**Alerts to Configure:**',
    bullets(m.alerts.map(text)),
    '',
    '**Dashboards to Create:**',
    bullets(m.dashboards.map(text)),
  ].join('\n');
}

/** "### Final Checklist": checked only where evidence exists, with the evidence beside it. */
export function renderChecklist(model: ReportModel): string {
  const items = model.checklist.map(
    (c) => `- [${c.checked ? 'x' : ' '}] ${text(c.label)} — ${text(c.evidence)}`,
  );
  return ['### Final Checklist', '', ...items].join('\n');
}
