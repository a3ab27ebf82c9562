/** A small JavaScript scanner: walks code while skipping strings, comments, templates and regexes. */

/** Called for every code character with its bracket depth (relative to the start); true stops. */
export type CodeVisitor = (index: number, char: string, depth: number) => boolean | undefined;

const REGEX_AFTER = new Set([
  '(',
  ',',
  '=',
  ':',
  '[',
  '!',
  '&',
  '|',
  '?',
  '{',
  '}',
  ';',
  '+',
  '-',
  '*',
  '%',
  '<',
  '>',
  '~',
  '^',
  '',
]);
const REGEX_AFTER_WORDS =
  /(?:^|[^\w$])(?:return|typeof|case|do|else|in|of|new|delete|void|throw|yield|await)$/;

function skipString(source: string, i: number, quote: string): number {
  let j = i + 1;
  while (j < source.length && source[j] !== quote && source[j] !== '\n')
    j += source[j] === '\\' ? 2 : 1;
  return j + 1;
}

function skipRegex(source: string, i: number): number {
  let j = i + 1;
  let inClass = false;
  while (j < source.length && source[j] !== '\n') {
    const c = source[j];
    if (c === '\\') j += 1;
    else if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    else if (c === '/' && !inClass) break;
    j += 1;
  }
  j += 1;
  while (j < source.length && /[a-z]/.test(source[j] as string)) j += 1;
  return j;
}

/** Skips template text from `i` (inside the backticks); returns [next index, true if `${` opened]. */
function skipTemplateText(source: string, i: number): [number, boolean] {
  let j = i;
  while (j < source.length) {
    const c = source[j];
    if (c === '\\') j += 2;
    else if (c === '`') return [j + 1, false];
    else if (c === '$' && source[j + 1] === '{') return [j + 2, true];
    else j += 1;
  }
  return [j, false];
}

/**
 * Visits the code characters of `source` from `start`, skipping comments, string and template
 * text and regex literals. `depth` counts open (), [] and {} since `start`. Heuristic (no full
 * parser): good enough to find function bodies and calls in compiler output and typical code.
 */
export function scanCode(source: string, start: number, visit: CodeVisitor): void {
  const braces: Array<'{' | '${'> = [];
  let depth = 0;
  let previous = '';
  let i = start;
  while (i < source.length) {
    const c = source[i] as string;
    const next = source[i + 1];
    if (c === '/' && next === '/') {
      const end = source.indexOf('\n', i);
      i = end < 0 ? source.length : end;
      continue;
    }
    if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      i = end < 0 ? source.length : end + 2;
      continue;
    }
    if (c === "'" || c === '"') {
      i = skipString(source, i, c);
      previous = 'x';
      continue;
    }
    if (c === '`' || (c === '}' && braces[braces.length - 1] === '${')) {
      if (c === '}') braces.pop();
      const [after, opened] = skipTemplateText(source, i + 1);
      if (opened) braces.push('${');
      i = after;
      previous = opened ? '{' : 'x';
      continue;
    }
    if (
      c === '/' &&
      (REGEX_AFTER.has(previous) ||
        REGEX_AFTER_WORDS.test(source.slice(Math.max(0, i - 12), i).trimEnd()))
    ) {
      i = skipRegex(source, i);
      previous = 'x';
      continue;
    }
    if (c === '(' || c === '[' || c === '{') {
      if (c === '{') braces.push('{');
      depth += 1;
    }
    if (c === ')' || c === ']' || c === '}') {
      if (c === '}') braces.pop();
      depth -= 1;
    }
    if (visit(i, c, depth)) return;
    if (!/\s/.test(c)) previous = /[\w$]/.test(c) ? 'x' : c;
    i += 1;
  }
}

/** 0-based offset of a 1-based line and column. */
export function offsetOf(source: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const next = source.indexOf('\n', offset);
    if (next < 0) return source.length;
    offset = next + 1;
  }
  return offset + column - 1;
}

/** 1-based line and column of a 0-based offset. */
export function positionOf(source: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = source.indexOf('\n'); i >= 0 && i < offset; i = source.indexOf('\n', i + 1)) {
    line += 1;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
