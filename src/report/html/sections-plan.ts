/** HTML of Optimization Plan, Expected Improvements, Monitoring Recommendations and the Final Checklist. */

import type { PlanItem, ReportModel } from '../model/report-model.js';
import { h, htmlList, htmlTable } from './html.js';
import { statusIcon } from './icons.js';

function item(i: PlanItem): string {
  return `<strong>${h(i.title)}</strong>: ${h(i.text)} <span class="muted">(${h(i.impact)}; ${i.effort ? `effort ${h(i.effort)}` : 'effort not rated'})</span>`;
}

/** Optimization Plan. */
export function htmlPlan(model: ReportModel): string {
  const p = model.plan;
  return [
    `<h3>Immediate (High Impact, Low Effort)</h3>${htmlList(p.immediate.map(item), true)}`,
    `<h3>Short-term (High Impact, Medium Effort)</h3>${htmlList(p.shortTerm.map(item), true)}`,
    `<h3>Long-term (Architectural Changes)</h3>${htmlList(p.longTerm.map(item), true)}`,
  ].join('');
}

/** Expected Improvements (+ Improvements verified). */
export function htmlImprovements(model: ReportModel): string {
  const v = model.improvements;
  const rows = v.rows.map((r) => [h(r.optimization), `${h(r.gain)}`]);
  rows.push([`<strong>${h(v.total.optimization)}</strong>`, `<strong>${h(v.total.gain)}</strong>`]);
  let out = `<p class="muted">Gains marked "measured" come from a verify run or <code>--verify-index</code>; every other figure is an estimate from the finding's measured share.</p>${htmlTable(['Optimization', 'Expected Gain'], rows)}`;
  if (v.verified) {
    const vr = v.verified.rows.map((r) => [
      h(r.metric),
      h(r.before),
      h(r.after),
      h(r.change),
      `${verdictIcon(r.verdict, r.improved)} ${h(r.verdict)}`,
    ]);
    out += `<h3>Improvements verified (against ${h(v.verified.baseline)})</h3>${htmlTable(['Metric', 'Before', 'After', 'Change', 'Verdict'], vr)}`;
  }
  return out;
}

/** Monitoring Recommendations. */
export function htmlMonitoring(model: ReportModel): string {
  const m = model.monitoring;
  return [
    m.source === 'derived'
      ? '<p class="muted">Derived from the success criteria; the audit supplied none.</p>'
      : '',
    `<h3>Metrics to Track</h3>${htmlList(m.metrics.map(h), false, 'none')}`,
    `<h3>Alerts to Configure</h3>${htmlList(m.alerts.map(h), false, 'none')}`,
    `<h3>Dashboards to Create</h3>${htmlList(m.dashboards.map(h), false, 'none')}`,
  ].join('');
}

/** Final Checklist: disabled checkboxes, checked only with evidence. */
export function htmlChecklist(model: ReportModel): string {
  const items = model.checklist.map(
    (c) =>
      `<li data-checked="${c.checked}"><input type="checkbox" disabled${c.checked ? ' checked' : ''}> ${h(c.label)} <span class="muted">— ${h(c.evidence)}</span></li>`,
  );
  return `<ul class="checklist">${items.join('')}</ul>`;
}

/** The icon of a verification verdict (the Markdown report's symbols, drawn without an emoji font). */
function verdictIcon(verdict: string, improved: boolean): string {
  if (verdict === 'improvement') return statusIcon('pass');
  if (verdict === 'regression') return statusIcon('fail');
  if (verdict === 'no-change' || verdict === 'not-significant') return statusIcon('neutral');
  return statusIcon(improved ? 'pass' : 'fail');
}
