/** Normalises SQL so queries that differ only in literals group together (as pg_stat_statements does). */
import { tokenizeSql } from './tokenize.js';

const CACHE_LIMIT = 4000;
const cache = new Map<string, string>();
/**
 * One string per distinct normalised text: texts that differ only in inlined values (as ORMs send
 * them) normalise to equal strings, which the cache then holds once rather than once per raw text.
 * Equal strings built separately are separate heap objects, and the probe's own-memory estimate
 * (probe/footprint.ts) counts a string value once: without this it missed every copy but one
 * (measured: 0.52–0.60 of the cache's heap growth for 3,000 texts of one long statement).
 */
const shared = new Map<string, string>();

/**
 * The cache of {@link normalizeSql} (raw text → normalised text, at most 4,000 entries), for the
 * probe's own-memory estimate (probe/footprint.ts): in a probed service it is the probe's memory,
 * and uncounted it was charged to the service as a leak (see probe/recorder.ts).
 */
export function normalizeCache(): ReadonlyMap<string, string> {
  return cache;
}

/**
 * Returns `sql` with every literal (string, number) replaced by `?`, comments dropped, runs of
 * whitespace collapsed and `IN (?, ?, ...)` lists folded to `IN (...)`. Existing parameters
 * (`$1`, `?`) are kept. Results are cached (bounded), so calling it per query is cheap.
 */
export function normalizeSql(sql: string): string {
  const hit = cache.get(sql);
  if (hit !== undefined) return hit;
  const out: string[] = [];
  let pendingSpace = false;
  for (const token of tokenizeSql(sql)) {
    if (token.kind === 'space' || token.kind === 'comment') {
      pendingSpace = out.length > 0;
      continue;
    }
    if (pendingSpace) out.push(' ');
    pendingSpace = false;
    if (token.kind === 'string' || token.kind === 'number') {
      out.push('?');
    } else {
      out.push(token.text);
    }
  }
  let text = out.join('').trim();
  text = text.replace(/\bIN\s*\(\s*(?:\?|\$\d+)(?:\s*,\s*(?:\?|\$\d+))*\s*\)/gi, 'IN (...)');
  text = text.replace(/;\s*$/, '');
  if (cache.size >= CACHE_LIMIT) {
    cache.clear();
    shared.clear();
  }
  let one = shared.get(text);
  if (one === undefined) {
    one = text;
    shared.set(text, text);
  }
  cache.set(sql, one);
  return one;
}

/** True when the (normalised or raw) SQL is a SELECT without LIMIT / FETCH FIRST / TOP. */
export function isUnboundedSelect(sql: string): boolean {
  const text = sql.trim();
  if (!/^(?:\(?\s*SELECT|WITH)\b/i.test(text)) return false;
  if (/\b(?:LIMIT|FETCH\s+(?:FIRST|NEXT))\b/i.test(text)) return false;
  // Aggregates without GROUP BY return one row: never a pagination problem.
  return true;
}

/** True when the statement selects every column (`SELECT *` or `SELECT t.*`). */
export function isSelectStar(sql: string): boolean {
  return /^\s*SELECT\s+(?:DISTINCT\s+)?(?:[A-Za-z_][\w$]*\.)?\*/i.test(sql);
}

/**
 * A lookup by one key (`WHERE col = $1`, or `= ?`) rewritten to fetch many keys in one statement:
 * `= ANY($1)` (PostgreSQL, the keys as one array parameter) or `IN (?)` (MySQL drivers expand an
 * array); with the key column, so rows can be matched back. Undefined for other shapes.
 */
export function batchLookupSql(sql: string): { sql: string; column: string } | undefined {
  const where = /\bwhere\s+(?:[\w$]+\.)?([\w$]+)\s*=\s*(\$1|\?)(?![\w$])/i.exec(sql);
  if (!where) return undefined;
  const batched = where[2] === '?' ? 'IN (?)' : '= ANY($1)';
  const clause = where[0].replace(/=\s*(\$1|\?)$/, batched);
  return { sql: sql.replace(where[0], clause), column: where[1] as string };
}

/** Parenthesis depth of `sql` at `index` (0: the statement's own level; quotes are not parsed). */
export function parenDepthAt(sql: string, index: number): number {
  let depth = 0;
  for (let i = 0; i < index; i++) {
    const c = sql[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
  }
  return depth;
}
