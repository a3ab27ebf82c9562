/** npm packages that are database engines or drivers (their CPU time is the queries' cost). */

/**
 * Database engines that run inside the process and database drivers: their CPU time is the cost
 * of the user's queries (an in-process engine executes the SQL on this thread; a driver encodes
 * parameters and decodes rows), explained by the database findings, not a library to replace.
 */
export const DATABASE_PACKAGES: ReadonlySet<string> = new Set([
  '@electric-sql/pglite',
  'pg',
  'pg-protocol',
  'pg-native',
  'postgres',
  'mysql',
  'mysql2',
  'mariadb',
  'better-sqlite3',
  'sqlite3',
  'sql.js',
  'libsql',
  '@libsql/client',
  'duckdb',
  '@duckdb/node-api',
  'mongodb',
  'bson',
  'tedious',
  'oracledb',
  'redis',
  '@redis/client',
  'ioredis',
  'cassandra-driver',
]);

/** True for an in-process database engine or a database driver package. */
export function isDatabasePackage(name: string): boolean {
  return DATABASE_PACKAGES.has(name);
}
