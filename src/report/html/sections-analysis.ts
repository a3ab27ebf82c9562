/** HTML of Executive Summary, Current Performance and Bottleneck Analysis (with profile and plan charts). */

import {
  diffHeadings,
  numberSourceLines,
  splitFindingsForDisplay,
} from '../model/findings-view.js';
import type { BottleneckView, ReportModel } from '../model/report-model.js';
import type { ChartId } from './charts.js';
import { figure, h, htmlTable } from './html.js';
import { statusIcon } from './icons.js';

const VERDICT: Record<string, string> = {
  pass: 'meets every measured target',
  acceptable: 'within acceptable limits, not every target met',
  fail: 'fails at least one criterion',
  unknown: 'not graded (nothing measured)',
};

/** Executive Summary. */
export function htmlSummary(model: ReportModel): string {
  const v = model.summary.verdict;
  return `${model.summary.paragraphs.map((p) => `<p>${h(p)}</p>`).join('')}<p class="verdict status-${v}">Verdict: ${statusIcon(v)} ${h(VERDICT[v] ?? v)}</p>`;
}

/** Current Performance, with the report's columns plus Acceptable [ref: report-layout]. */
export function htmlPerformance(model: ReportModel): string {
  const rows = model.performance.rows.map((r) => [
    h(r.label),
    `${h(r.display)}${r.note ? ` <span class="muted">(${h(r.note)})</span>` : ''}`,
    h(r.targetDisplay),
    h(r.acceptableDisplay),
    `<span class="status-${r.status}" title="${h(r.status)}">${statusIcon(r.status)}</span>`,
  ]);
  return `<p class="muted">Measured at: ${h(model.performance.basis)}. ${statusIcon('pass')} meets Target, ${statusIcon('acceptable')} meets Acceptable only, ${statusIcon('fail')} fails, ${statusIcon('unknown')} not measured.</p>${htmlTable(['Metric', 'Current', 'Target', 'Acceptable', 'Status'], rows, 'performance')}`;
}

function diffHtml(diff: NonNullable<BottleneckView['diff']>): string {
  const heads = diffHeadings(diff);
  const lines = [
    `<span>${h(heads.before)}</span>`,
    ...diff.before.split('\n').map((l) => `<span class="del">- ${h(l)}</span>`),
    `<span>${h(heads.after)}</span>`,
    ...diff.after.split('\n').map((l) => `<span class="add">+ ${h(l)}</span>`),
  ];
  return `<pre class="diff">${lines.join('\n')}</pre>`;
}

/** "Your code": the lines at the location, or why they are not shown. */
function codeHtml(c: NonNullable<BottleneckView['code']>): string {
  if (!c.lines)
    return `<p><strong>Your code:</strong> not shown: ${h(c.unreadable ?? 'not readable')}.</p>`;
  return `<p><strong>Your code</strong> (<code>${h(`${c.file}:${c.line}`)}</code>):</p><pre class="source">${numberSourceLines(
    c,
  )
    .map((l) => (l.startsWith('>') ? `<mark>${h(l)}</mark>` : h(l)))
    .join('\n')}</pre>`;
}

function bottleneckHtml(b: BottleneckView, heading: string): string {
  const where = b.location
    ? `<code>${h(b.location)}</code>${b.locationContext ? ` (${h(b.locationContext)})` : ''}`
    : 'not located';
  const evidence = b.evidence
    .map(
      (e) =>
        `${h(e.label)}: ${h(String(e.value))}${e.unit ? ` ${h(e.unit)}` : ''}${e.source ? ` <span class="muted">(${h(e.source)})</span>` : ''}`,
    )
    .join('; ');
  return [
    `<article class="bottleneck sev-${b.severity}" data-finding="${h(b.id)}">`,
    `<h3>${heading} ${b.rank}: ${h(b.title)}</h3>`,
    `<p><strong>Location:</strong> ${where}<br><strong>Impact:</strong> ${h(b.impact)}<br><strong>Root Cause:</strong> ${h(b.rootCause)}</p>`,
    `<p><strong>Recommendation:</strong> ${h(b.recommendation)}${b.effort ? ` <span class="muted">(effort: ${h(b.effort)})</span>` : ''}</p>`,
    b.code ? codeHtml(b.code) : '',
    b.diff ? diffHtml(b.diff) : '',
    b.sql ? `<pre class="sql">${h(b.sql)}</pre>` : '',
    evidence ? `<p><strong>Evidence:</strong> ${evidence}</p>` : '',
    `<p class="muted">Severity: ${h(b.severity)}; rule ${h(b.id)}</p>`,
    '</article>',
  ].join('');
}

/** Bottleneck Analysis with the flame graph and the worst query plan. */
export function htmlBottlenecks(
  model: ReportModel,
  charts: Record<ChartId, string | undefined>,
): string {
  const parts: string[] = [];
  if (model.bottlenecks.length === 0) {
    parts.push(
      `<p>${model.kind === 'run' ? 'No bottleneck analysis in a plain run: <code>redline audit</code> profiles the target and explains its queries.' : 'No bottleneck found above info level.'}</p>`,
    );
  }
  const { full, rest } = splitFindingsForDisplay(model);
  parts.push(...full.map((f) => bottleneckHtml(f.view, f.heading)));
  if (rest.length > 0)
    parts.push(
      `<h4 id="all-other-findings">All other findings (${rest.length})</h4><p>The ${full.length} findings above are written out in full; the rest, in the same ranking:</p>`,
      htmlTable(
        ['#', 'Severity', 'Finding', 'Location', 'Impact'],
        rest.map(({ view, heading }) => [
          h(`${heading} ${view.rank}`),
          h(view.severity),
          h(view.title),
          view.location ? `<code>${h(view.location)}</code>` : '—',
          h(view.impact),
        ]),
      ),
    );
  const flame = model.charts.flame;
  parts.push(
    figure(
      'flamegraph',
      flame
        ? `CPU profile under normal load: top stacks (${Math.round(flame.total)} ${flame.unit}); hover a frame for its share.`
        : 'CPU profile',
      charts.flamegraph,
      'No CPU profile in this result (redline audit profiles the target under normal load).',
    ),
  );
  const plan = model.charts.plan;
  const planCaption = plan
    ? `Worst query (${plan.engine}, ${plan.totalMs.toFixed(1)} ms): `
    : 'Worst query plan';
  parts.push(
    `${plan ? `<pre class="sql">${h(plan.query)}</pre>` : ''}${figure('query-plan', `${planCaption}bars show self time per node; the slowest node is highlighted.`, charts['query-plan'], 'No query plan in this result (redline audit explains the slowest queries).')}`,
  );
  return parts.join('');
}
