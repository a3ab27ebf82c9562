/**
 * Over-approximate name scans used by the explain safety checks. They never decide that a
 * statement is safe on their own: they list every name a text *could* refer to, so the server's
 * metadata can be consulted about each (a false hit only makes Redline more careful).
 */

/** A function call found in a text: `schema.name(` or `name(` (names folded as the server folds them). */
export interface CalledName {
  schema?: string;
  name: string;
}

const IDENT = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*)`;
const CALL = new RegExp(String.raw`(?:(${IDENT})\s*\.\s*)?(${IDENT})\s*\(`, 'g');

function foldPgIdentifier(text: string): string {
  return text.startsWith('"') ? text.slice(1, -1).replaceAll('""', '"') : text.toLowerCase();
}

/**
 * Every `name(` / `schema.name(` in `text`, wherever it stands (also inside strings and comments:
 * a function named in a string may still be called through dynamic SQL). PostgreSQL folding:
 * unquoted names are lower-cased, "quoted" ones kept.
 */
export function calledNames(text: string): CalledName[] {
  const out = new Map<string, CalledName>();
  for (const match of text.matchAll(CALL)) {
    const name = foldPgIdentifier(match[2] as string);
    const schema = match[1] ? foldPgIdentifier(match[1]) : undefined;
    out.set(`${schema ?? ''}.${name}`, schema ? { schema, name } : { name });
  }
  return [...out.values()];
}

/**
 * MySQL/MariaDB executable-comment openers with a version number glued to what follows: the
 * server reads 5 or 6 digits, so both cuts are scanned.
 */
const VERSIONED_COMMENTS = [/\/\*M?!\d{5}/g, /\/\*M?!\d{6}/g];
const WORD = /[A-Za-z0-9_$\u0080-\uffff]+/g;

/**
 * Every identifier-like word of `text`, lower-cased, wherever it stands: in code, strings,
 * comments and executable comments (`/*!50000DELETE*\/` yields `delete`). MySQL and MariaDB
 * cannot build an identifier at run time inside one statement, a view, a stored function or a
 * trigger, so any table or routine they touch is named by one of these words.
 */
export function identifierWords(text: string): Set<string> {
  const words = new Set<string>();
  for (const variant of [text, ...VERSIONED_COMMENTS.map((re) => text.replace(re, ' '))]) {
    for (const match of variant.matchAll(WORD)) words.add(match[0].toLowerCase());
  }
  return words;
}

/**
 * True when `name` may be referenced by `text`, given its {@link identifierWords}: a word match
 * for plain names, a case-insensitive substring match for names with other characters
 * (`` `my table` ``, with backquotes doubled or not).
 */
export function mayReference(text: string, words: ReadonlySet<string>, name: string): boolean {
  const lower = name.toLowerCase();
  if (/^[a-z0-9_$\u0080-\uffff]+$/.test(lower)) return words.has(lower);
  const haystack = text.toLowerCase();
  return haystack.includes(lower) || haystack.includes(lower.replaceAll('`', '``'));
}
