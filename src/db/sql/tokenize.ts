/**
 * A small SQL scanner: walks text while skipping strings, quoted identifiers and comments. It mixes
 * PostgreSQL and MySQL lexical rules, so it serves normalisation and display only — never to decide
 * whether a statement is safe to run.
 */

/** One lexical piece of SQL as far as the analysers here care. */
export interface SqlToken {
  kind: 'word' | 'number' | 'string' | 'quoted-ident' | 'param' | 'punct' | 'space' | 'comment';
  text: string;
}

const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const WORD_PART = /[A-Za-z0-9_$\u0080-\uffff]/;
const DIGIT = /[0-9]/;

/**
 * Splits SQL into tokens (PostgreSQL and MySQL dialects: '' and \' escapes, E'', $tag$ quoting,
 * "ident" and `ident`, -- # and block comments, $1 and ? parameters). Never throws: an unterminated
 * string or comment runs to the end of the text.
 */
export function tokenizeSql(sql: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const start = i;
    const c = sql[i] as string;
    const next = sql[i + 1];
    if (/\s/.test(c)) {
      while (i < n && /\s/.test(sql[i] as string)) i++;
      tokens.push({ kind: 'space', text: sql.slice(start, i) });
    } else if ((c === '-' && next === '-') || c === '#') {
      while (i < n && sql[i] !== '\n') i++;
      tokens.push({ kind: 'comment', text: sql.slice(start, i) });
    } else if (c === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
      tokens.push({ kind: 'comment', text: sql.slice(start, i) });
    } else if (c === "'" || ((c === 'E' || c === 'e') && next === "'")) {
      i = scanQuoted(sql, c === "'" ? i : i + 1, "'");
      tokens.push({ kind: 'string', text: sql.slice(start, i) });
    } else if (c === '"' || c === '`') {
      i = scanQuoted(sql, i, c);
      tokens.push({ kind: 'quoted-ident', text: sql.slice(start, i) });
    } else if (c === '$' && next !== undefined && DIGIT.test(next)) {
      i++;
      while (i < n && DIGIT.test(sql[i] as string)) i++;
      tokens.push({ kind: 'param', text: sql.slice(start, i) });
    } else if (c === '$') {
      const tag = /^\$[A-Za-z_]*\$/.exec(sql.slice(i));
      if (tag) {
        const end = sql.indexOf(tag[0], i + tag[0].length);
        i = end < 0 ? n : end + tag[0].length;
        tokens.push({ kind: 'string', text: sql.slice(start, i) });
      } else {
        i++;
        tokens.push({ kind: 'punct', text: c });
      }
    } else if (c === '?') {
      i++;
      tokens.push({ kind: 'param', text: c });
    } else if (DIGIT.test(c) || (c === '.' && next !== undefined && DIGIT.test(next))) {
      i = scanNumber(sql, i);
      tokens.push({ kind: 'number', text: sql.slice(start, i) });
    } else if (WORD_START.test(c)) {
      while (i < n && WORD_PART.test(sql[i] as string)) i++;
      tokens.push({ kind: 'word', text: sql.slice(start, i) });
    } else {
      i++;
      tokens.push({ kind: 'punct', text: c });
    }
  }
  return tokens;
}

function scanQuoted(sql: string, openAt: number, quote: string): number {
  let i = openAt + 1;
  while (i < sql.length) {
    const ch = sql[i];
    if (ch === '\\' && quote === "'") {
      i += 2;
      continue;
    }
    if (ch === quote) {
      if (sql[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return sql.length;
}

function scanNumber(sql: string, from: number): number {
  const match = /^(?:0x[0-9a-fA-F]+|\d*\.?\d+(?:[eE][+-]?\d+)?)/.exec(sql.slice(from));
  return from + (match ? match[0].length : 1);
}

/** The tokens that carry meaning (no spaces, no comments). */
export function significantTokens(sql: string): SqlToken[] {
  return tokenizeSql(sql).filter((t) => t.kind !== 'space' && t.kind !== 'comment');
}
