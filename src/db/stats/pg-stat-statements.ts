/** PostgreSQL pg_stat_statements: availability check with exact enabling steps, read, reset. */
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import type { DbSession } from '../connection.js';
import { type TopQuery, topQueryCounters } from './top-query.js';

/** Exact steps to enable pg_stat_statements (printed when it is missing). */
export function pgStatStatementsHint(configFile: string | undefined, preloaded: boolean): string {
  if (preloaded)
    return 'run CREATE EXTENSION pg_stat_statements; in this database (once, as a superuser)';
  return [
    `add shared_preload_libraries = 'pg_stat_statements' to ${configFile ?? 'postgresql.conf'}`,
    '(or a file in its conf.d), restart PostgreSQL (e.g. pg_ctlcluster <version> main restart),',
    'then run CREATE EXTENSION pg_stat_statements; in this database',
  ].join(' ');
}

/** Throws `DB_STATS_UNAVAILABLE` (exit 72) with the exact enabling steps when it is not usable. */
export async function assertPgStatStatements(session: DbSession): Promise<void> {
  if (session.kind === 'pglite') {
    throw new RedlineError('DB_STATS_UNAVAILABLE', 'PGlite has no pg_stat_statements', {
      exitCode: ExitCode.Unavailable,
      hint: 'run the probe (node --import redline/probe) to rank the queries an application sends to PGlite',
    });
  }
  const ext = await session.query(
    "SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'",
  );
  const preload = await session.query<{ v: string }>(
    "SELECT current_setting('shared_preload_libraries') AS v",
  );
  const preloaded = /(?:^|[\s,])"?pg_stat_statements"?(?:$|[\s,])/.test(preload.rows[0]?.v ?? '');
  if (ext.rows.length > 0 && preloaded) return;
  const config = await session
    .query<{ v: string }>("SELECT current_setting('config_file') AS v")
    .then((r) => r.rows[0]?.v)
    .catch(() => undefined);
  const what = !preloaded
    ? 'pg_stat_statements is not loaded (shared_preload_libraries)'
    : 'the pg_stat_statements extension is not created in this database';
  throw new RedlineError('DB_STATS_UNAVAILABLE', `cannot rank queries: ${what}`, {
    exitCode: ExitCode.Unavailable,
    hint: pgStatStatementsHint(config, preloaded),
  });
}

/** Reads this database's statements (all of them; ranking happens later). */
export async function readPgStatStatements(session: DbSession): Promise<TopQuery[]> {
  const version = await session.query<{ v: string }>(
    "SELECT current_setting('server_version_num') AS v",
  );
  const modern = Number(version.rows[0]?.v ?? 0) >= 130000;
  const time = modern ? 'total_exec_time + total_plan_time' : 'total_time';
  const result = await session.query<Record<string, string | number | null>>(
    `SELECT queryid::text AS id, query, calls::float8 AS calls, (${time})::float8 AS total_ms, rows::float8 AS rows,
            shared_blks_hit::float8 AS hit, shared_blks_read::float8 AS read, temp_blks_written::float8 AS temp
       FROM pg_stat_statements
      WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND query NOT ILIKE '%pg_stat_statements%' AND calls > 0
        AND query NOT IN ('SELECT $1 FROM pg_extension WHERE extname = $2', 'SELECT current_setting($1) AS v')`,
  );
  return result.rows.map((row) => {
    const hit = Number(row['hit']);
    const read = Number(row['read']);
    return {
      ...topQueryCounters(row, 'rows'),
      ...(hit + read > 0 ? { cacheHitRatio: hit / (hit + read) } : {}),
      sharedBlocksRead: read,
      tempBlocksWritten: Number(row['temp']),
      flags: [],
    };
  });
}

/** Resets the counters of the current database only (pg_stat_statements_reset(0, dbid, 0)). */
export async function resetPgStatStatements(session: DbSession): Promise<void> {
  await session.query(
    'SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database WHERE datname = current_database()), 0)',
  );
}
