/** Small Markdown building blocks with escaping: tables, cells, lists. */
import { escapeMarkdown, markdownCode } from '../escape.js';

/** Escaped prose (one line). */
export const text = escapeMarkdown;

/**
 * An inline code span, safe inside a table cell. Text with `<`, `>` or `&` is written as escaped
 * prose instead, so no raw markup ever reaches the Markdown outside fenced blocks.
 */
export function code(value: string): string {
  if (/[<>&]/.test(value)) return escapeMarkdown(value);
  return markdownCode(value).replace(/\|/g, '\\|');
}

/** A GFM table; every cell must already be escaped. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  const rule = `|${header.map((h) => '-'.repeat(Math.max(3, h.length + 2))).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** A bulleted list of already-escaped items, or `- none` when empty. */
export function bullets(items: readonly string[], empty = 'none'): string {
  return (items.length > 0 ? items : [empty]).map((i) => `- ${i}`).join('\n');
}

/** A numbered list of already-escaped items, or `1. none` when empty. */
export function numbered(items: readonly string[], empty = 'None'): string {
  return (items.length > 0 ? items : [empty]).map((item, i) => `${i + 1}. ${item}`).join('\n');
}
