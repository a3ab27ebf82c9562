/**
 * The suite's private database servers, as a test sees them. Some tests need server settings
 * that the machine's own services do not have (and must not be changed to have):
 * `pg_stat_statements` preloaded in PostgreSQL and `performance_schema` ON in MariaDB. The global
 * setup (test/setup/private-servers.ts) starts throw-away instances with those settings, only when
 * a selected test file calls one of the functions below, and removes them after the run.
 *
 * To use an existing server instead, set REDLINE_TEST_PG_STATS_URL (a PostgreSQL base URL without
 * database, e.g. postgres://postgres@127.0.0.1:5432) or REDLINE_TEST_MARIADB_PS_URL (e.g.
 * mysql://root@127.0.0.1:3306); the setup then starts nothing for it.
 */
import { inject } from 'vitest';

/** One private server as handed to the tests. */
export interface PrivateServer {
  /** Base URL without database and trailing slash; '' when the server could not be started. */
  base: string;
  /** Why the tests that need it are skipped ('' when `base` is set). */
  skipReason: string;
}

declare module 'vitest' {
  /** Values the global setup hands to the test files. */
  export interface ProvidedContext {
    /** A PostgreSQL with pg_stat_statements preloaded. */
    pgStats?: PrivateServer;
    /** A MariaDB with performance_schema ON. */
    mariaDbPs?: PrivateServer;
  }
}

/** The markers the global setup looks for in a test file to know which servers it needs. */
export const PRIVATE_SERVER_MARKERS = {
  pgStats: 'statsPostgres(',
  mariaDbPs: 'statsMariaDb(',
} as const;

function provided(key: keyof typeof PRIVATE_SERVER_MARKERS): PrivateServer {
  const value = inject(key);
  if (!value) {
    throw new Error(
      `the global setup (test/setup/private-servers.ts, configured in vitest.config.ts) did not provide "${key}": it starts it only for selected test files that contain "${PRIVATE_SERVER_MARKERS[key]}"`,
    );
  }
  return value;
}

/** A PostgreSQL with pg_stat_statements preloaded (and track_io_timing on). */
export function statsPostgres(): PrivateServer {
  return provided('pgStats');
}

/** A MariaDB with performance_schema ON. */
export function statsMariaDb(): PrivateServer {
  return provided('mariaDbPs');
}
