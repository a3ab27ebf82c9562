/** Escaping of untrusted text (URLs, bodies, check names, error texts) for HTML, XML and Markdown. */

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

// Characters XML 1.0 does not allow at all (C0 controls except tab, LF, CR; lone surrogates; FFFE/FFFF).
const XML_INVALID =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** Escapes text for XML content and attributes, replacing characters XML cannot hold with U+FFFD. */
export function escapeXml(text: string): string {
  return escapeHtml(text.replace(XML_INVALID, '\uFFFD')).replace(/\r/g, '&#13;');
}

/**
 * Escapes text for Markdown prose: HTML-significant characters become entities (so `<script>`
 * shows as text in every renderer) and Markdown punctuation that would change formatting is
 * backslash-escaped. Newlines become spaces (prose cells are one line).
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\r?\n|\r/g, ' ')
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
    .replace(/[&<>]/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** Wraps text in an inline code span that its own backticks cannot close; newlines become spaces. */
export function markdownCode(text: string): string {
  const flat = text.replace(/\r?\n|\r/g, ' ');
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** Returns a fenced code block whose fence is longer than any backtick run inside `text`. */
export function markdownFence(text: string, language = ''): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${language}\n${text.replace(/\n$/, '')}\n${fence}`;
}
