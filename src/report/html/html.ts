/** Small HTML building blocks with escaping: tables, lists, figures. */
import { escapeHtml } from '../escape.js';

/** Escaped text. */
export const h = escapeHtml;

/** A table; header cells are escaped, body cells must already be HTML (escape with `h`). */
export function htmlTable(
  header: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
  className = '',
): string {
  const head = `<tr>${header.map((c) => `<th>${h(c)}</th>`).join('')}</tr>`;
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('');
  return `<table${className ? ` class="${className}"` : ''}><thead>${head}</thead><tbody>${body}</tbody></table>`;
}

/** A list of already-HTML items (`ol` or `ul`), with an "empty" item when there is none. */
export function htmlList(items: readonly string[], ordered = false, empty = 'None'): string {
  const tag = ordered ? 'ol' : 'ul';
  const lis = (items.length > 0 ? items : [`<span class="muted">${h(empty)}</span>`]).map(
    (i) => `<li>${i}</li>`,
  );
  return `<${tag}>${lis.join('')}</${tag}>`;
}

/** A chart figure with its caption, or an explanation when there is no data. */
export function figure(
  id: string,
  caption: string,
  svg: string | undefined,
  missing: string,
): string {
  const body = svg ?? `<p class="no-data">${h(missing)}</p>`;
  const cls = svg ? 'chart' : 'chart empty';
  return `<figure class="${cls}" id="chart-${h(id)}" data-chart-figure="${h(id)}">${body}<figcaption>${h(caption)}</figcaption></figure>`;
}
