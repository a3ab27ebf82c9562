/**
 * Groups slow-log statements by fingerprint and ranks the classes by total time, as
 * pt-query-digest does: count, total/mean/p95/max time, lock time, rows examined and sent.
 */
import { createHash } from 'node:crypto';
import { normalizeSql } from '../sql/normalize.js';
import { tokenizeSql } from '../sql/tokenize.js';
import { flagTopQuery, type TopQuery } from '../stats/top-query.js';
import type { SlowLogEntry } from './parse.js';

/** One statement class of the log (a fingerprint), with pt-query-digest's counters. */
export interface SlowQueryClass extends TopQuery {
  p95Ms: number;
  maxMs: number;
  lockMs: number;
  rowsExaminedPerCall: number;
  schemas: string[];
  firstSeenMs?: number;
  lastSeenMs?: number;
  /** Executions the server flagged (MariaDB log_slow_verbosity=query_plan). */
  fullScans: number;
  filesorts: number;
  /** The slowest execution as logged (literal values: printed only with --examples). */
  example: { sql: string; queryMs: number; schema?: string; line?: number };
  /** The example with its literals as `?` placeholders, and the literals in order. */
  parameterized: { sql: string; params: string[] };
}

/** The ranking of a slow log. */
export interface SlowLogDigest {
  /** The file, or `mysql.slow_log on <server>`. */
  source: string;
  statements: number;
  totalMs: number;
  /** Time span covered (ms), when the log has times. */
  spanMs?: number;
  classes: SlowQueryClass[];
}

/**
 * Statements that are the log's own noise or Redline's: the server's bookkeeping, and what
 * Redline sends when it connects, explains or reads mysql.slow_log (so an earlier `db explain` or
 * `db top` never shows up in the ranking).
 */
const NOISE =
  /^(SET timestamp|SELECT DATABASE\(\)|SHOW (WARNINGS|VARIABLES|STATUS)|SELECT VERSION\(\) AS v;?$|EXPLAIN FORMAT=JSON |SET STATEMENT max_statement_time=\S+ FOR (ANALYZE|EXPLAIN) FORMAT=JSON |[\s\S]*\bmysql\.slow_log\b)/i;

/** pt-query-digest folds multi-row VALUES lists; normalizeSql folds IN lists already. */
function fingerprint(sql: string): string {
  return normalizeSql(sql)
    .replace(/\bVALUES\s*\([^()]*\)(\s*,\s*\([^()]*\))+/gi, 'VALUES (...)')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Replaces each string and number literal with `?` and returns the literals in order. */
export function parameterize(sql: string): { sql: string; params: string[] } {
  const params: string[] = [];
  const out: string[] = [];
  for (const token of tokenizeSql(sql)) {
    if (token.kind === 'number') {
      params.push(token.text);
      out.push('?');
    } else if (token.kind === 'string' && /^'/.test(token.text)) {
      params.push(token.text.slice(1, -1).replace(/''/g, "'").replace(/\\(.)/g, '$1'));
      out.push('?');
    } else out.push(token.text);
  }
  return { sql: out.join('').trim().replace(/;\s*$/, ''), params };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] as number;
}

/** Groups and ranks; `limit` classes are kept (all counters are computed over every entry). */
export function digestSlowLog(
  entries: readonly SlowLogEntry[],
  source: string,
  limit = 10,
): SlowLogDigest {
  const groups = new Map<string, SlowLogEntry[]>();
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  let statements = 0;
  for (const entry of entries) {
    if (NOISE.test(entry.sql.trim())) continue;
    statements += 1;
    const key = fingerprint(entry.sql);
    const list = groups.get(key);
    if (list) list.push(entry);
    else groups.set(key, [entry]);
    if (entry.atMs !== undefined) {
      first = Math.min(first, entry.atMs);
      last = Math.max(last, entry.atMs);
    }
  }
  const classes: SlowQueryClass[] = [];
  let totalMs = 0;
  for (const [query, list] of groups) {
    const times = list.map((e) => e.queryMs).sort((a, b) => a - b);
    const total = times.reduce((s, t) => s + t, 0);
    totalMs += total;
    const rows = list.reduce((s, e) => s + e.rowsSent, 0);
    const examined = list.reduce((s, e) => s + e.rowsExamined, 0);
    const worst = list.reduce((a, b) => (b.queryMs > a.queryMs ? b : a));
    const seen = list.map((e) => e.atMs).filter((t): t is number => t !== undefined);
    const c: SlowQueryClass = {
      id: createHash('sha1').update(query).digest('hex').slice(0, 16),
      query,
      calls: list.length,
      totalMs: total,
      meanMs: total / list.length,
      rows,
      rowsPerCall: rows / list.length,
      share: 0,
      rowsExamined: examined,
      rowsExaminedPerCall: examined / list.length,
      noIndexUsed: list.filter((e) => e.fullScan === true).length,
      flags: [],
      p95Ms: percentile(times, 0.95),
      maxMs: times[times.length - 1] ?? 0,
      lockMs: list.reduce((s, e) => s + e.lockMs, 0),
      schemas: [...new Set(list.map((e) => e.schema).filter((s): s is string => Boolean(s)))],
      fullScans: list.filter((e) => e.fullScan === true).length,
      filesorts: list.filter((e) => e.filesort === true).length,
      example: {
        sql: worst.sql,
        queryMs: worst.queryMs,
        ...(worst.schema ? { schema: worst.schema } : {}),
        ...(worst.line ? { line: worst.line } : {}),
      },
      parameterized: parameterize(worst.sql),
    };
    if (seen.length > 0) {
      c.firstSeenMs = Math.min(...seen);
      c.lastSeenMs = Math.max(...seen);
    }
    classes.push(c);
  }
  classes.sort((a, b) => b.totalMs - a.totalMs);
  for (const c of classes) {
    c.share = totalMs > 0 ? c.totalMs / totalMs : 0;
    c.flags = flagTopQuery(c);
    if (c.fullScans > 0 && !c.flags.includes('no index used')) c.flags.push('full scan');
  }
  const digest: SlowLogDigest = {
    source,
    statements,
    totalMs,
    classes: classes.slice(0, Math.max(1, limit)),
  };
  if (last > first) digest.spanMs = last - first;
  return digest;
}
