/** Reads the columns an index could serve out of a printed filter condition (PostgreSQL or MySQL). */
import { significantTokens } from '../sql/tokenize.js';

/** Index-usable predicates of a condition: equality columns first, then range columns. */
export interface IndexableColumns {
  equality: string[];
  range: string[];
}

const CONSTANT_WORDS = new Set([
  'any',
  'array',
  'now',
  'current_date',
  'current_timestamp',
  'localtimestamp',
  'interval',
  'true',
  'false',
  'null',
  'and',
  'date',
  'timestamp',
  'time',
  'with',
  'without',
  'zone',
]);

/**
 * Parses `((status)::text = 'paid'::text) AND (created_at > now())` (PostgreSQL) or
 * `orders.status = 'paid' and orders.created_at > '2024-01-01'` (MySQL) into the columns compared
 * with constants. Returns undefined when nothing is indexable or the condition has a top-level OR.
 */
export function parseIndexableColumns(condition: string): IndexableColumns | undefined {
  const conjuncts = splitTopLevel(stripParens(condition));
  if (conjuncts === undefined) return undefined;
  const result: IndexableColumns = { equality: [], range: [] };
  for (const conjunct of conjuncts) {
    const predicate = parsePredicate(stripParens(conjunct));
    if (!predicate) continue;
    const list = predicate.kind === 'equality' ? result.equality : result.range;
    if (!list.includes(predicate.column)) list.push(predicate.column);
  }
  result.range = result.range.filter((c) => !result.equality.includes(c));
  return result.equality.length + result.range.length > 0 ? result : undefined;
}

/** Splits on top-level AND (not the AND of BETWEEN); undefined when a top-level OR exists. */
function splitTopLevel(text: string): string[] | undefined {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  let betweenOpen = false;
  const re = /\(|\)|'(?:[^']|'')*'|\b(?:and|or|between)\b/gi;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const token = m[0].toLowerCase();
    if (token === '(') depth++;
    else if (token === ')') depth--;
    else if (depth !== 0 || token.startsWith("'")) continue;
    else if (token === 'or') return undefined;
    else if (token === 'between') betweenOpen = true;
    else if (token === 'and' && betweenOpen) betweenOpen = false;
    else if (token === 'and') {
      parts.push(text.slice(start, m.index));
      start = m.index + m[0].length;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

function parsePredicate(text: string): { column: string; kind: 'equality' | 'range' } | undefined {
  const cleaned = text.replace(/::[a-z_ ]+(?:\([0-9, ]*\))?(?:\[\])?/gi, '');
  const lower = cleaned.toLowerCase();
  let m = /^(.+?)\s+is\s+null$/i.exec(cleaned);
  if (m?.[1]) return columnOf(m[1], 'equality');
  m = /^(.+?)\s+between\s+(.+)\s+and\s+(.+)$/i.exec(cleaned);
  if (m?.[1] && isConstant(m[2] as string) && isConstant(m[3] as string))
    return columnOf(m[1], 'range');
  m = /^(.+?)\s+in\s*\((.*)\)$/i.exec(cleaned);
  if (m?.[1] && isConstant(m[2] as string)) return columnOf(m[1], 'equality');
  if (lower.includes(' like ') || lower.includes('~~')) return undefined;
  m = /^(.+?)\s*(<=|>=|=|<|>)\s*(.+)$/.exec(cleaned);
  if (!m?.[1] || !m[3]) return undefined;
  const [left, op, right] = [m[1].trim(), m[2] as string, m[3].trim()];
  const kind = op === '=' ? 'equality' : 'range';
  if (isConstant(right)) return columnOf(left, kind);
  if (isConstant(left)) return columnOf(right, kind);
  return undefined;
}

function columnOf(
  expression: string,
  kind: 'equality' | 'range',
): { column: string; kind: 'equality' | 'range' } | undefined {
  const text = stripParens(expression.trim()).replace(/[`"]/g, '');
  const plain = /^(?:[A-Za-z_][\w$]*\.)*([A-Za-z_][\w$]*)$/.exec(text);
  if (plain?.[1]) return { column: plain[1], kind };
  const fn = /^([A-Za-z_]\w*)\(\s*\(*\s*(?:[A-Za-z_][\w$]*\.)*([A-Za-z_][\w$]*)\s*\)*\s*\)$/.exec(
    text,
  );
  if (fn?.[1] && fn[2]) return { column: `(${fn[1].toLowerCase()}(${fn[2]}))`, kind };
  return undefined;
}

function isConstant(text: string): boolean {
  const tokens = significantTokens(text);
  if (tokens.length === 0) return false;
  return tokens.every((t) => t.kind !== 'word' || CONSTANT_WORDS.has(t.text.toLowerCase()));
}

/** Removes parentheses that wrap the whole expression (repeatedly). */
export function stripParens(text: string): string {
  let value = text.trim();
  while (value.startsWith('(') && value.endsWith(')') && wrapsWhole(value))
    value = value.slice(1, -1).trim();
  return value;
}

function wrapsWhole(text: string): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') depth--;
    if (depth === 0 && i < text.length - 1) return false;
  }
  return true;
}
