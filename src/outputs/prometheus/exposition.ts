/** The Prometheus text exposition format (version 0.0.4) of a set of metric families. */
import type { Labels, PromFamily } from './model.js';

/** Content-Type of the classic text format (Prometheus 3 rejects scrapes without a valid one). */
export const TEXT_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Escapes a label value: backslash, double quote and newline. */
export function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

/** Escapes a `# HELP` text: backslash and newline. */
function escapeHelp(text: string): string {
  return text.replace(/[\\\n]/g, (c) => (c === '\n' ? '\\n' : '\\\\'));
}

/** A sample value as Prometheus writes it (`NaN`, `+Inf`, `-Inf`, or a number). */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

function formatLabels(labels: Labels): string {
  if (labels.length === 0) return '';
  let text = '{';
  for (let i = 0; i < labels.length; i++) {
    const [k, v] = labels[i] as readonly [string, string];
    if (i > 0) text += ',';
    text += `${k}="${escapeLabelValue(v)}"`;
  }
  return `${text}}`;
}

/**
 * Renders families in the text format: `# HELP`, `# TYPE`, then one line per sample. Histogram
 * families carry their `_bucket`, `_sum` and `_count` samples under the base name.
 */
export function renderExposition(families: readonly PromFamily[]): string {
  const lines: string[] = [];
  for (const f of families) {
    if (f.samples.length === 0) continue;
    lines.push(`# HELP ${f.name} ${escapeHelp(f.help)}`);
    lines.push(`# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples)
      lines.push(`${s.name}${formatLabels(s.labels)} ${formatValue(s.value)}`);
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
