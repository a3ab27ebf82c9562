/** Finds the line in a caller where it calls a callee: V8 profiles record only the callee's start. */
import { offsetOf, positionOf, scanCode } from './js-scan.js';

/** Methods through which a regular expression runs (profiles name the regex, not the call). */
const REGEX_METHODS = [
  'test',
  'exec',
  'match',
  'matchAll',
  'replace',
  'replaceAll',
  'search',
  'split',
];

/**
 * The [start, end) offsets of the body of the function whose V8 position (the start of its
 * parameters, or its name) is at `offset`. Undefined when the text there is not a function.
 */
export function findFunctionBody(
  source: string,
  offset: number,
): { start: number; end: number } | undefined {
  let phase: 'head' | 'params' | 'after' | 'body' | 'expression' = 'head';
  let arrow = false;
  let bodyStart = -1;
  let bodyEnd = -1;
  scanCode(source, offset, (i, c, depth) => {
    switch (phase) {
      case 'head':
        if (c === '(') phase = 'params';
        else if (c === '=' && source[i + 1] === '>') {
          phase = 'after';
          arrow = true;
        } else if (!/[\w$*#\s]/.test(c)) return true; // not a function head
        return false;
      case 'params':
        if (depth === 0) phase = 'after';
        return false;
      case 'after':
        if (c === '=' && source[i + 1] === '>') arrow = true;
        else if (c === '{') {
          phase = 'body';
          bodyStart = i;
        } else if (arrow && !/[\s>]/.test(c)) {
          phase = 'expression';
          bodyStart = i;
        } else if (!/[\s>]/.test(c)) return true;
        return false;
      case 'body':
        if (depth === 0) bodyEnd = i + 1;
        return depth === 0;
      default:
        if (depth < 0 || (depth === 0 && (c === ',' || c === ';'))) bodyEnd = i;
        return bodyEnd >= 0;
    }
  });
  if (bodyStart < 0) return undefined;
  return { start: bodyStart, end: bodyEnd < 0 ? source.length : bodyEnd };
}

/** The identifier a callee's name is called by: `Socket._write` → `_write`, `get foo` → `foo`. */
export function calleeIdentifier(name: string): string | undefined {
  const last =
    name
      .replace(/^(get|set|async) /, '')
      .split('.')
      .pop() ?? '';
  const id = last.replace(/^#/, '');
  return /^[A-Za-z_$][\w$]*$/.test(id) ? id : undefined;
}

/**
 * Searches the body of the caller (starting at 1-based `line`:`column`, V8's function position)
 * for a call to `calleeName` and returns its 1-based position. Regular-expression callees
 * (`RegExp: ...`) match a call of a RegExp method. Returns undefined when nothing matches, and
 * also when calls on different lines match: the profile does not say which one ran (V8 records
 * only the callee, and an inlined allocating callee hides the real one), so naming the first
 * would be a guess presented as a fact.
 */
export function findCallSite(
  source: string,
  line: number,
  column: number,
  calleeName: string,
): { line: number; column: number } | undefined {
  const names = calleeName.startsWith('RegExp: ') ? REGEX_METHODS : [calleeIdentifier(calleeName)];
  const wanted = new Set(names.filter((n): n is string => n !== undefined));
  if (wanted.size === 0) return undefined;
  const body = findFunctionBody(source, offsetOf(source, line, column));
  if (!body) return undefined;
  const found: number[] = [];
  let wordStart = -1;
  scanCode(source, body.start, (i, c) => {
    if (i >= body.end) return true;
    const isWord = /[\w$]/.test(c);
    if (isWord && wordStart < 0) wordStart = i;
    if (!isWord && wordStart >= 0) {
      const word = source.slice(wordStart, i);
      const before = wordStart;
      wordStart = -1;
      if (
        wanted.has(word) &&
        /^\s*\(/.test(source.slice(i, i + 8)) &&
        !/[\w$]/.test(source[before - 1] ?? '')
      )
        found.push(before);
    }
    return false;
  });
  const first = found[0];
  if (first === undefined) return undefined;
  const position = positionOf(source, first);
  const lines = new Set(found.map((offset) => positionOf(source, offset).line));
  return lines.size === 1 ? position : undefined;
}
