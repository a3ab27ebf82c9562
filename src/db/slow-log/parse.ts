/**
 * Reads MySQL and MariaDB slow query logs: the file (`slow_query_log_file`, log_output=FILE) and
 * the table (`mysql.slow_log`, log_output=TABLE) into the same entries.
 */
import type { DbSession } from '../connection.js';

/** One logged statement. Times in milliseconds. */
export interface SlowLogEntry {
  /** When it ran (epoch ms), when the log says. */
  atMs?: number;
  user?: string;
  schema?: string;
  queryMs: number;
  lockMs: number;
  rowsSent: number;
  rowsExamined: number;
  rowsAffected?: number;
  /** MariaDB log_slow_verbosity=query_plan: full table scan, on-disk temporary table, filesort. */
  fullScan?: boolean;
  tmpTableOnDisk?: boolean;
  filesort?: boolean;
  /** The statement as logged (literal values included: never printed unless asked). */
  sql: string;
  /** 1-based line of the statement in the file (file logs only). */
  line?: number;
}

const HEADER_PAIR = /([A-Za-z_]+): +(\S*)/g;
/** Lines the server writes at start-up and on FLUSH LOGS. */
const BANNER =
  /^(\S+, Version: .* started with:|Tcp port: \d+ +Unix socket: .*|Time\s+Id\s+Command\s+Argument)$/;

function parseTime(value: string): number | undefined {
  // MySQL: 2024-12-05T04:45:01.123456Z; MariaDB: 241205  4:45:01 (local time).
  if (/^\d{4}-\d\d-\d\dT/.test(value)) {
    const ms = Date.parse(value);
    return Number.isFinite(ms) ? ms : undefined;
  }
  const m = /^(\d\d)(\d\d)(\d\d)\s+(\d{1,2}):(\d\d):(\d\d)$/.exec(value.trim());
  if (!m) return undefined;
  const [, yy, mo, dd, hh, mi, ss] = m.map(Number) as number[];
  return new Date(2000 + (yy as number), (mo as number) - 1, dd, hh, mi, ss).getTime();
}

const bool = (value: string | undefined): boolean | undefined =>
  value === undefined ? undefined : /^yes$/i.test(value);

/**
 * Parses slow-log text. Header lines (`# Query_time: …`) describe the statement that follows;
 * `SET timestamp=…;` gives its time, `use db;` its schema; a statement may span lines.
 */
export function parseSlowLogFile(text: string): SlowLogEntry[] {
  const entries: SlowLogEntry[] = [];
  let header: Record<string, string> = {};
  let timeLine: string | undefined;
  let schema: string | undefined;
  let sql: string[] = [];
  let sqlLine = 0;
  let timestampMs: number | undefined;
  const flush = (): void => {
    const statement = sql.join('\n').trim();
    if (statement !== '' && header['Query_time'] !== undefined) {
      const entry: SlowLogEntry = {
        queryMs: Number(header['Query_time']) * 1000,
        lockMs: Number(header['Lock_time'] ?? 0) * 1000,
        rowsSent: Number(header['Rows_sent'] ?? 0),
        rowsExamined: Number(header['Rows_examined'] ?? 0),
        sql: statement,
        line: sqlLine,
      };
      // MySQL's ISO `# Time:` (one per statement, microseconds) beats SET timestamp (seconds);
      // MariaDB writes `# Time:` only when the second changes, so SET timestamp wins there.
      const iso = timeLine && /T/.test(timeLine) ? parseTime(timeLine) : undefined;
      const at = iso ?? timestampMs ?? (timeLine ? parseTime(timeLine) : undefined);
      if (at !== undefined) entry.atMs = at;
      if (header['Rows_affected'] !== undefined)
        entry.rowsAffected = Number(header['Rows_affected']);
      const db = header['Schema'] || schema;
      if (db) entry.schema = db;
      if (header['User@Host'] !== undefined) entry.user = header['User@Host'];
      const full = bool(header['Full_scan']);
      if (full !== undefined) entry.fullScan = full;
      const disk = bool(header['Tmp_table_on_disk']);
      if (disk !== undefined) entry.tmpTableOnDisk = disk;
      const sort = bool(header['Filesort']);
      if (sort !== undefined) entry.filesort = sort;
      entries.push(entry);
    }
    sql = [];
    timestampMs = undefined;
  };
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).replace(/\r$/, '');
    if (line.startsWith('# ')) {
      if (
        /^# (Time|User@Host):/.test(line) &&
        (sql.length > 0 || header['Query_time'] !== undefined)
      ) {
        flush();
        header = {};
      }
      if (line.startsWith('# Time: ')) {
        timeLine = line.slice('# Time: '.length);
        continue;
      }
      if (line.startsWith('# User@Host: ')) {
        header['User@Host'] = line
          .slice('# User@Host: '.length)
          .replace(/\s+Id:\s+\d+\s*$/, '')
          .trim();
        continue;
      }
      for (const m of line.slice(2).matchAll(HEADER_PAIR)) header[m[1] as string] = m[2] as string;
      continue;
    }
    if (BANNER.test(line.trim())) continue;
    const use = /^use\s+`?([^`;\s]+)`?;$/i.exec(line.trim());
    if (use && sql.length === 0) {
      schema = use[1];
      continue;
    }
    const ts = /^SET timestamp=(\d+);$/.exec(line.trim());
    if (ts && sql.length === 0) {
      timestampMs = Number(ts[1]) * 1000;
      continue;
    }
    if (line.trim() === '' && sql.length === 0) continue;
    if (sql.length === 0) sqlLine = i + 1;
    sql.push(line);
  }
  flush();
  return entries;
}

/** Options of {@link readSlowLogTable}. */
export interface SlowLogTableOptions {
  /** Only statements logged at or after this time (epoch ms). */
  sinceMs?: number;
  /** At most this many rows, newest first (default 100 000). */
  limit?: number;
}

/** Reads `mysql.slow_log` (log_output=TABLE) of the server the session is connected to. */
export async function readSlowLogTable(
  session: DbSession,
  options: SlowLogTableOptions = {},
): Promise<SlowLogEntry[]> {
  // Redline's own connection (this one) is left out: its statements are not the workload.
  const where = `WHERE thread_id <> CONNECTION_ID()${options.sinceMs !== undefined ? ' AND start_time >= FROM_UNIXTIME(?)' : ''}`;
  const params = options.sinceMs !== undefined ? [options.sinceMs / 1000] : [];
  const result = await session.query<Record<string, unknown>>(
    `SELECT UNIX_TIMESTAMP(start_time) AS at_s, user_host,
            TIME_TO_SEC(query_time) + MICROSECOND(query_time) / 1e6 AS query_s,
            TIME_TO_SEC(lock_time) + MICROSECOND(lock_time) / 1e6 AS lock_s,
            rows_sent, rows_examined, db, CONVERT(sql_text USING utf8mb4) AS sql_text
       FROM mysql.slow_log ${where}
      ORDER BY start_time DESC LIMIT ${Math.max(1, Math.floor(options.limit ?? 100_000))}`,
    params,
  );
  return result.rows.map((row) => {
    const entry: SlowLogEntry = {
      queryMs: Number(row['query_s']) * 1000,
      lockMs: Number(row['lock_s']) * 1000,
      rowsSent: Number(row['rows_sent']),
      rowsExamined: Number(row['rows_examined']),
      sql: String(row['sql_text'] ?? ''),
      atMs: Number(row['at_s']) * 1000,
    };
    if (row['db']) entry.schema = String(row['db']);
    if (row['user_host']) entry.user = String(row['user_host']);
    return entry;
  });
}
