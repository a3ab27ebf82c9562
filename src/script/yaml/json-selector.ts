/**
 * JSON selectors of captures and checks: a JSONPath subset (`$.token`, `$.items[0].id`,
 * `$['odd key']`, `$[5].title`) read into path segments at compile time, or, for text that does
 * not start with `$`, a GJSON path as `response.json()` takes it (`token`, `items.0.id`, `items.#`).
 */
import type { JsonSelector } from './model.js';

const SEGMENT =
  /\.([A-Za-z_$][\w$-]*)|\[(-?\d+)\]|\['((?:[^'\\]|\\.)*)'\]|\["((?:[^"\\]|\\.)*)"\]/y;

/** Parses a selector; returns an error message for JSONPath features Redline does not support. */
export function parseJsonSelector(text: string): JsonSelector | string {
  const source = text.trim();
  if (!source.startsWith('$')) {
    if (source === '') return 'the JSON path is empty';
    return { kind: 'gjson', selector: source, source };
  }
  const segments: Array<string | number> = [];
  let at = 1;
  while (at < source.length) {
    if (source.startsWith('..', at))
      return `recursive descent ("..") is not supported in "${source}"`;
    SEGMENT.lastIndex = at;
    const m = SEGMENT.exec(source);
    if (!m) {
      const rest = source.slice(at);
      if (/^\[\*\]|^\.\*/.test(rest))
        return `wildcards are not supported in "${source}"; use a GJSON path such as "items.#.id"`;
      if (rest.startsWith('[?')) return `filters are not supported in "${source}"`;
      return `cannot read "${rest}" in the JSON path "${source}" (supported: $.key, $[0], $['key'])`;
    }
    if (m[1] !== undefined) segments.push(m[1]);
    else if (m[2] !== undefined) segments.push(Number(m[2]));
    else segments.push((m[3] ?? m[4] ?? '').replace(/\\(.)/g, '$1'));
    at = SEGMENT.lastIndex;
  }
  return { kind: 'path', segments, source };
}
