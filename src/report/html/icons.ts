/**
 * Status icons of the HTML report as inline SVG with a text label: they render the same without
 * an emoji font (a server's headless browser, a PDF export, an old mail client), and a screen
 * reader or a copy-paste keeps the word.
 */

/** The statuses the report marks. */
export type IconStatus = 'pass' | 'acceptable' | 'fail' | 'unknown' | 'neutral';

const COLOR: Record<IconStatus, string> = {
  pass: '#1a7f37',
  acceptable: '#9a6700',
  fail: '#cf222e',
  unknown: '#6e7781',
  neutral: '#6e7781',
};

const LABEL: Record<IconStatus, string> = {
  pass: 'pass',
  acceptable: 'acceptable',
  fail: 'fail',
  unknown: 'not measured',
  neutral: 'no change',
};

/** The glyph inside a 16×16 box (a check, an exclamation mark, a cross, a question mark, a dash). */
const GLYPH: Record<IconStatus, string> = {
  pass: '<circle cx="8" cy="8" r="7"/><path d="M4.5 8.2l2.3 2.3 4.7-4.8" fill="none" stroke="#fff" stroke-width="1.8"/>',
  acceptable:
    '<path d="M8 1.2L15.2 14.5H.8z"/><path d="M8 5.5v4.5M8 11.6v1.2" stroke="#fff" stroke-width="1.6"/>',
  fail: '<circle cx="8" cy="8" r="7"/><path d="M5.2 5.2l5.6 5.6M10.8 5.2l-5.6 5.6" stroke="#fff" stroke-width="1.8"/>',
  unknown:
    '<circle cx="8" cy="8" r="7"/><path d="M6 6.2a2 2 0 1 1 2.8 1.8c-.6.3-.8.7-.8 1.3v.6M8 11.4v1.2" fill="none" stroke="#fff" stroke-width="1.5"/>',
  neutral: '<circle cx="8" cy="8" r="7"/><path d="M4.5 8h7" stroke="#fff" stroke-width="1.8"/>',
};

/** An inline SVG status icon with its label for assistive technology (no emoji font needed). */
export function statusIcon(status: IconStatus): string {
  return `<svg class="icon icon-${status}" width="14" height="14" viewBox="0 0 16 16" fill="${COLOR[status]}" role="img" aria-label="${LABEL[status]}"><title>${LABEL[status]}</title>${GLYPH[status]}</svg>`;
}

/** The icon of a yes/no result (a threshold, a valid step). */
export function okIcon(ok: boolean): string {
  return statusIcon(ok ? 'pass' : 'fail');
}
