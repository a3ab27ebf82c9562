/**
 * Classifies a SQL statement for display and grouping: read or write, how many statements, what
 * its first keyword is. It is a guess from the text (mixed PostgreSQL/MySQL lexical rules) and is
 * never a safety boundary: what `db explain` runs is decided by the server (see db/safety.ts).
 */
import { significantTokens } from './tokenize.js';

/** What a statement does, as far as running EXPLAIN ANALYZE on it safely is concerned. */
export interface StatementKind {
  /** First keyword, upper-cased (`SELECT`, `WITH`, `DELETE`, ...). */
  keyword: string;
  /** True when it changes data: INSERT/UPDATE/DELETE/MERGE/REPLACE, or a data-modifying CTE. */
  isWrite: boolean;
  /** How many statements the text holds (`;`-separated, ignoring a trailing `;`). */
  statementCount: number;
}

const WRITE_WORDS = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE', 'REPLACE', 'TRUNCATE']);

/**
 * Classifies `sql`. A write keyword anywhere in the statement (outside strings and comments)
 * counts as a write, which is the safe side: `SELECT ... FOR UPDATE` is treated as a write too.
 */
export function classifyStatement(sql: string): StatementKind {
  const tokens = significantTokens(sql);
  let statementCount = 0;
  let inStatement = false;
  let isWrite = false;
  for (const token of tokens) {
    if (token.kind === 'punct' && token.text === ';') {
      inStatement = false;
      continue;
    }
    if (!inStatement) {
      statementCount++;
      inStatement = true;
    }
    if (token.kind === 'word' && WRITE_WORDS.has(token.text.toUpperCase())) isWrite = true;
  }
  const first = tokens.find((t) => t.kind === 'word');
  return { keyword: first ? first.text.toUpperCase() : '', isWrite, statementCount };
}
