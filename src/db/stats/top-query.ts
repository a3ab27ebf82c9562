/** The engine-neutral row of `redline db top` and the flags derived from its counters. */
import type { Finding } from '../../findings/finding.js';

/** One normalised statement with its cumulative counters over the measured window. */
export interface TopQuery {
  /** queryid (PostgreSQL) or digest (MySQL/MariaDB). */
  id: string;
  /** Normalised text (`$1` / `?` for constants). */
  query: string;
  calls: number;
  totalMs: number;
  meanMs: number;
  /** Rows returned (sent), total. */
  rows: number;
  rowsPerCall: number;
  /** Fraction of the window's total statement time (0..1). */
  share: number;
  /** Buffer cache hit ratio (PostgreSQL shared blocks), when known. */
  cacheHitRatio?: number;
  sharedBlocksRead?: number;
  tempBlocksWritten?: number;
  /** Rows examined (MySQL/MariaDB), total. */
  rowsExamined?: number;
  /** Statements that used no index (MySQL/MariaDB SUM_NO_INDEX_USED). */
  noIndexUsed?: number;
  tmpDiskTables?: number;
  sortMergePasses?: number;
  /** Short problem labels from the counters, e.g. `no index used`, `temp files`. */
  flags: string[];
  /** Plan findings, when the query was explained (`--explain`). */
  findings?: Finding[];
}

/**
 * The engine-neutral counters of one statistics row (`calls`, `total_ms`, `id`, `query` and the
 * rows column named by `rowsColumn`); `share` is filled in once every row is known.
 */
export function topQueryCounters(
  row: Record<string, unknown>,
  rowsColumn: string,
): Pick<
  TopQuery,
  'id' | 'query' | 'calls' | 'totalMs' | 'meanMs' | 'rows' | 'rowsPerCall' | 'share'
> {
  const calls = Number(row['calls']);
  const totalMs = Number(row['total_ms']);
  const rows = Number(row[rowsColumn]);
  return {
    id: String(row['id']),
    query: String(row['query']),
    calls,
    totalMs,
    meanMs: calls > 0 ? totalMs / calls : 0,
    rows,
    rowsPerCall: calls > 0 ? rows / calls : 0,
    share: 0,
  };
}

/** pghero's "slow query" [ref: pghero]: at least this many calls ... */
export const SLOW_QUERY_MIN_CALLS = 100;
/** ... averaging at least this many ms. */
export const SLOW_QUERY_MEAN_MS = 20;
/**
 * Cache hit ratio below which reads are flagged (pghero's database-wide threshold [ref: pghero]).
 */
export const MIN_CACHE_HIT_RATIO = 0.99;
/**
 * Rows examined per row sent above which a statement is flagged (Redline's choice [ref: mysql-
 * statement-digests]).
 */
export const EXAMINED_PER_SENT = 100;
/**
 * Rows per call above which a statement is flagged as a large result (Redline's choice [ref: mysql-
 * statement-digests]).
 */
export const LARGE_RESULT_ROWS = 1000;

/** Derives the flags of a row from its counters. */
export function flagTopQuery(q: TopQuery): string[] {
  const flags: string[] = [];
  if (q.calls >= SLOW_QUERY_MIN_CALLS && q.meanMs >= SLOW_QUERY_MEAN_MS)
    flags.push('slow (≥100 calls, ≥20 ms mean)');
  if (
    q.cacheHitRatio !== undefined &&
    (q.sharedBlocksRead ?? 0) > 100 &&
    q.cacheHitRatio < MIN_CACHE_HIT_RATIO
  )
    flags.push('cache misses');
  if ((q.tempBlocksWritten ?? 0) > 0 || (q.tmpDiskTables ?? 0) > 0) flags.push('temp files');
  if ((q.sortMergePasses ?? 0) > 0) flags.push('sort merge passes');
  if ((q.noIndexUsed ?? 0) > 0) flags.push('no index used');
  if (
    q.rowsExamined !== undefined &&
    q.rowsExamined / Math.max(1, q.rows) > EXAMINED_PER_SENT &&
    q.rowsExamined > 10_000
  ) {
    flags.push('examines ≫ returns');
  }
  if (q.rowsPerCall > LARGE_RESULT_ROWS) flags.push('large result');
  return flags;
}

/** Sorts by total time, fills `share` and `flags`, and keeps the first `limit`. */
export function rankTopQueries(
  rows: TopQuery[],
  limit: number,
): { queries: TopQuery[]; totalMs: number } {
  const totalMs = rows.reduce((acc, q) => acc + q.totalMs, 0);
  const sorted = [...rows].sort((a, b) => b.totalMs - a.totalMs).slice(0, Math.max(1, limit));
  for (const q of sorted) {
    q.share = totalMs > 0 ? q.totalMs / totalMs : 0;
    q.flags = flagTopQuery(q);
  }
  return { queries: sorted, totalMs };
}
