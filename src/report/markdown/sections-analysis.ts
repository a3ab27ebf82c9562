/** Markdown of Executive Summary, Current Performance and Bottleneck Analysis. */
import { markdownFence } from '../escape.js';
import { statusSymbol } from '../format.js';
import {
  diffHeadings,
  numberSourceLines,
  splitFindingsForDisplay,
} from '../model/findings-view.js';
import type { BottleneckView, ReportModel } from '../model/report-model.js';
import { code, table, text } from './md.js';

const VERDICT: Record<string, string> = {
  pass: 'meets every measured target',
  acceptable: 'within acceptable limits, not every target met',
  fail: 'fails at least one criterion',
  unknown: 'not graded (nothing measured)',
};

/** "### Executive Summary". */
export function renderSummary(model: ReportModel): string {
  const verdict = `**Verdict:** ${statusSymbol(model.summary.verdict)} ${VERDICT[model.summary.verdict]}`;
  return [
    '### Executive Summary',
    '',
    ...model.summary.paragraphs.map(text).flatMap((p) => [p, '']),
    verdict,
  ].join('\n');
}

/**
 * "### Current Performance" with the report's columns [ref: report-layout]; the Target cell also
 * names Acceptable.
 */
export function renderPerformance(model: ReportModel): string {
  const rows = model.performance.rows.map((r) => {
    const current = r.note ? `${text(r.display)} (${text(r.note)})` : text(r.display);
    const target = r.criterion
      ? `${text(r.targetDisplay)} (acceptable ${text(r.acceptableDisplay)})`
      : '—';
    return [text(r.label), current, target, statusSymbol(r.status)];
  });
  return [
    '### Current Performance',
    '',
    `Measured at: ${text(model.performance.basis)}. ✅ meets Target, ⚠️ meets Acceptable only, ❌ fails, ❔ not measured.`,
    '',
    table(['Metric', 'Current', 'Target', 'Status'], rows),
  ].join('\n');
}

function diffBlock(diff: NonNullable<BottleneckView['diff']>): string {
  const minus = diff.before.split('\n').map((l) => `- ${l}`);
  const plus = diff.after.split('\n').map((l) => `+ ${l}`);
  const heads = diffHeadings(diff);
  return markdownFence([heads.before, ...minus, '', heads.after, ...plus].join('\n'), 'diff');
}

/** "Your code": the lines at the location, or why they are not shown. */
function codeBlock(c: NonNullable<BottleneckView['code']>): string[] {
  if (!c.lines) return ['', `**Your code:** not shown: ${text(c.unreadable ?? 'not readable')}.`];
  return [
    '',
    `**Your code** (${code(`${c.file}:${c.line}`)}):`,
    markdownFence(numberSourceLines(c).join('\n'), c.language ?? ''),
  ];
}

function renderBottleneck(b: BottleneckView, heading: string): string {
  const where = b.location
    ? `${code(b.location)}${b.locationContext ? ` (${text(b.locationContext)})` : ''}`
    : 'not located';
  const lines = [
    `#### ${heading} ${b.rank}: ${text(b.title)}`,
    `**Location:** ${where}  `,
    `**Impact:** ${text(b.impact)}  `,
    `**Root Cause:** ${text(b.rootCause)}  `,
    '',
    `**Recommendation:** ${text(b.recommendation)}${b.effort ? ` (effort: ${b.effort})` : ''}`,
  ];
  if (b.code) lines.push(...codeBlock(b.code));
  if (b.diff) lines.push(diffBlock(b.diff));
  if (b.sql) lines.push(markdownFence(b.sql, 'sql'));
  if (b.evidence.length > 0) {
    const items = b.evidence.map((e) => {
      const unit = e.unit ? ` ${e.unit}` : '';
      const source = e.source ? ` (${e.source})` : '';
      return `${text(e.label)}: ${text(String(e.value))}${text(unit)}${text(source)}`;
    });
    lines.push('', `**Evidence:** ${items.join('; ')}  `);
  }
  lines.push(`_Severity: ${b.severity}; rule ${text(b.id)}_`);
  return lines.join('\n');
}

/** "### Bottleneck Analysis": ranked bottlenecks, then info-level observations. */
export function renderBottlenecks(model: ReportModel): string {
  const parts = ['### Bottleneck Analysis', ''];
  if (model.bottlenecks.length === 0) {
    parts.push(
      model.kind === 'run'
        ? 'No bottleneck analysis in a plain run: `redline audit` profiles the target and explains its queries.'
        : 'No bottleneck found above info level.',
    );
  }
  const { full, rest } = splitFindingsForDisplay(model);
  for (const f of full) parts.push(renderBottleneck(f.view, f.heading), '');
  if (rest.length > 0) {
    parts.push(
      `#### All other findings (${rest.length})`,
      '',
      `The ${full.length} findings above are written out in full; the rest, in the same ranking:`,
      '',
      table(
        ['#', 'Severity', 'Finding', 'Location', 'Impact'],
        rest.map(({ view, heading }) => [
          `${heading} ${view.rank}`,
          view.severity,
          text(view.title),
          view.location ? code(view.location) : '—',
          text(view.impact),
        ]),
      ),
    );
  }
  return parts.join('\n').trimEnd();
}
