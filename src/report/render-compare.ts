/** Text and Markdown renderings of a comparison (the JSON form is the CompareResult itself). */

import type { CompareResult, CompareRow } from '../compare/index.js';
import { escapeMarkdown } from './escape.js';

function formatValue(row: CompareRow, v: number): string {
  if (row.unit === 'ratio') return `${(v * 100).toFixed(2)}%`;
  const digits = Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2;
  return `${v.toFixed(digits)} ${row.unit}`;
}

function formatChange(row: CompareRow): string {
  if (row.unit === 'ratio') {
    const pp = row.absoluteChange * 100;
    return `${pp >= 0 ? '+' : '−'}${Math.abs(pp).toFixed(2)} pp`;
  }
  if (!Number.isFinite(row.relativeChange)) return 'new';
  const pct = row.relativeChange * 100;
  return `${pct >= 0 ? '+' : '−'}${Math.abs(pct).toFixed(1)}%`;
}

const SYMBOL: Record<CompareRow['verdict'], string> = {
  regression: '❌ regression',
  improvement: '✅ improvement',
  'no-change': '➖ no change',
  'not-significant': '➖ not significant',
};

function cells(r: CompareRow): string[] {
  return [
    r.label,
    formatValue(r, r.a),
    formatValue(r, r.b),
    formatChange(r),
    r.pValue === undefined ? '—' : r.pValue < 0.0001 ? '<0.0001' : r.pValue.toFixed(4),
    `${r.samplesA}/${r.samplesB}`,
    SYMBOL[r.verdict],
  ];
}

const HEADER = ['Metric', 'A', 'B', 'Change', 'p', 'n A/B', 'Verdict'];

/** What was compared: `HTTP requests (http_req_duration)`, `gRPC calls (grpc_req_duration)`, … */
function describeMeasure(result: CompareResult): string {
  const m = result.measure;
  return m.latencyMetric ? `${m.name} (${m.latencyMetric})` : m.name;
}

function describeMode(result: CompareResult): string {
  const floor = `minimum change ${(result.threshold * 100).toFixed(1)}% (error rate: absolute)`;
  if (result.mode === 'runs')
    return `${result.runsA} vs ${result.runsB} runs: Mann-Whitney U on per-run values, alpha ${result.alpha}, ${floor}`;
  if (result.mode === 'intervals')
    return `per-interval values: Mann-Whitney U, alpha ${result.alpha}, ${floor}`;
  return `whole-run values only (no test), ${floor}`;
}

/** Aligned plain-text table for the terminal. */
export function renderCompareText(result: CompareResult): string {
  const rows = [HEADER, ...result.rows.map(cells)];
  const widths = HEADER.map((_, i) => Math.max(...rows.map((r) => [...(r[i] ?? '')].length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c + ' '.repeat((widths[i] ?? 0) - [...c].length))
      .join('  ')
      .trimEnd();
  const out = [
    `compare: ${describeMeasure(result)}, ${describeMode(result)}`,
    '',
    ...rows.map(line),
    '',
  ];
  for (const w of result.warnings) out.push(`warning: ${w}`);
  out.push(
    result.regression ? 'result: REGRESSION (exit 112)' : 'result: no significant regression',
  );
  return `${out.join('\n')}\n`;
}

/** Markdown table for PR comments. */
export function renderCompareMarkdown(result: CompareResult): string {
  const esc = (c: string) => escapeMarkdown(c);
  const out = [
    `**Comparison of ${esc(describeMeasure(result))}:** ${esc(describeMode(result))}`,
    '',
    `| ${HEADER.join(' | ')} |`,
    `|${HEADER.map(() => '---').join('|')}|`,
    ...result.rows.map((r) => `| ${cells(r).map(esc).join(' | ')} |`),
    '',
    ...result.warnings.map((w) => `> ${esc(w)}`),
    '',
    result.regression ? '**Result: regression**' : '**Result: no significant regression**',
  ];
  return `${out.join('\n')}\n`;
}
