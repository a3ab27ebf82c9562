/** MariaDB/MySQL performance_schema statement digests: availability, read, reset. */
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import type { DbSession } from '../connection.js';
import { type TopQuery, topQueryCounters } from './top-query.js';

/** Exact steps to enable statement digests (printed when they are off). */
export const PERFORMANCE_SCHEMA_HINT =
  "add performance_schema = ON under [mysqld] in my.cnf and restart the server; digests also need the consumer: UPDATE performance_schema.setup_consumers SET ENABLED = 'YES' WHERE NAME = 'statements_digest'";

/** Throws `DB_STATS_UNAVAILABLE` (exit 72) when performance_schema or the digest consumer is off. */
export async function assertPerformanceSchema(session: DbSession): Promise<void> {
  const on = await session.query<{ v: number | string }>('SELECT @@performance_schema AS v');
  if (Number(on.rows[0]?.v) !== 1) {
    throw new RedlineError(
      'DB_STATS_UNAVAILABLE',
      'cannot rank queries: performance_schema is OFF',
      {
        exitCode: ExitCode.Unavailable,
        hint: PERFORMANCE_SCHEMA_HINT,
      },
    );
  }
  const consumer = await session.query<{ e: string }>(
    "SELECT ENABLED AS e FROM performance_schema.setup_consumers WHERE NAME = 'statements_digest'",
  );
  if (consumer.rows[0]?.e !== 'YES') {
    throw new RedlineError(
      'DB_STATS_UNAVAILABLE',
      'cannot rank queries: the statements_digest consumer is disabled',
      {
        exitCode: ExitCode.Unavailable,
        hint: "UPDATE performance_schema.setup_consumers SET ENABLED = 'YES' WHERE NAME = 'statements_digest'",
      },
    );
  }
}

/** Reads the digests of the current schema (timer values are picoseconds). */
export async function readStatementDigests(session: DbSession): Promise<TopQuery[]> {
  const result = await session.query<Record<string, string | number | null>>(
    `SELECT DIGEST AS id, DIGEST_TEXT AS query, COUNT_STAR AS calls, SUM_TIMER_WAIT / 1e9 AS total_ms,
            SUM_ROWS_SENT AS rows_sent, SUM_ROWS_EXAMINED AS examined, SUM_CREATED_TMP_DISK_TABLES AS tmp_disk,
            SUM_SORT_MERGE_PASSES AS merges, SUM_NO_INDEX_USED AS no_index
       FROM performance_schema.events_statements_summary_by_digest
      WHERE SCHEMA_NAME = DATABASE() AND DIGEST_TEXT IS NOT NULL AND COUNT_STAR > 0
        AND DIGEST_TEXT NOT LIKE '%performance_schema%'`,
  );
  return result.rows.map((row) => {
    return {
      ...topQueryCounters(row, 'rows_sent'),
      rowsExamined: Number(row['examined']),
      tmpDiskTables: Number(row['tmp_disk']),
      sortMergePasses: Number(row['merges']),
      noIndexUsed: Number(row['no_index']),
      flags: [],
    };
  });
}

/** Clears the digest table. This is server-wide: every schema's counters restart. */
export async function resetStatementDigests(session: DbSession): Promise<void> {
  await session.query('TRUNCATE TABLE performance_schema.events_statements_summary_by_digest');
}
