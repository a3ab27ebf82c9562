/** Opening a real PostgreSQL for the demo (pg Pool), in a dedicated schema, seeded once under an advisory lock. */
import pg from 'pg';
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import { createCountingDatabase, type DemoDatabase, type DriverQuery } from './database.js';
import { DEFAULT_DEMO_SCHEMA } from './schema.js';
import { type DemoSeedSpec, isSeeded, type SqlRunner, seedDatabase } from './seed.js';

/** Options of {@link openPostgresDatabase}. */
export interface PostgresOpenOptions {
  /** `postgres://user@host:port/db` connection string. */
  databaseUrl: string;
  seed: DemoSeedSpec;
  /** Schema holding the demo tables (default {@link DEFAULT_DEMO_SCHEMA}); letters, digits, `_`. */
  schema?: string;
  /** Pool size (default 10). */
  poolSize?: number;
  onProgress?: (message: string) => void;
}

/** The host, port and database of a URL, without credentials (safe to print). */
export function describeDatabaseUrl(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    return `${url.hostname}${url.port ? `:${url.port}` : ''}${url.pathname}`;
  } catch {
    return '(unparsable URL)';
  }
}

/** Connects a pg Pool with `search_path` set to the demo schema, creating and seeding it if needed. */
export async function openPostgresDatabase(options: PostgresOpenOptions): Promise<DemoDatabase> {
  const schema = options.schema ?? DEFAULT_DEMO_SCHEMA;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new RedlineError('DEMO_BAD_SCHEMA', `invalid demo schema name '${schema}'`, {
      exitCode: ExitCode.Usage,
      hint: 'use lower-case letters, digits and underscores',
    });
  }
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: options.poolSize ?? 10,
    options: `-c search_path=${schema}`,
  });
  pool.on('error', () => undefined); // idle-client errors must not crash the demo
  try {
    await prepareSchema(pool, schema, options);
  } catch (error) {
    await pool.end().catch(() => undefined);
    if (error instanceof RedlineError) throw error;
    throw new RedlineError(
      'DEMO_DATABASE_UNAVAILABLE',
      `cannot prepare the demo database at ${describeDatabaseUrl(options.databaseUrl)}: ${(error as Error).message}`,
      {
        exitCode: ExitCode.Unavailable,
        cause: error,
        hint: 'check that PostgreSQL runs and the URL is right',
      },
    );
  }
  return createCountingDatabase('postgres', {
    query: queryOn(pool),
    transaction: (fn, rollback) => inTransaction(pool, fn, rollback),
    close: () => pool.end(),
  });
}

/** Calls `target.query` at call time, so an instrumentation patch on pg sees every query. */
function queryOn(target: pg.Pool | pg.PoolClient): DriverQuery {
  return <T>(sql: string, params?: unknown[]) =>
    target
      .query(sql, params)
      .then((r) => ({ rows: r.rows as T[], rowCount: r.rowCount ?? r.rows.length }));
}

async function inTransaction<T>(
  pool: pg.Pool,
  fn: (query: DriverQuery) => Promise<T>,
  rollback: boolean,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(queryOn(client));
    await client.query(rollback ? 'ROLLBACK' : 'COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Creates the schema and seeds it on one client, serialised by an advisory lock per schema. */
async function prepareSchema(pool: pg.Pool, schema: string, options: PostgresOpenOptions) {
  const client = await pool.connect();
  try {
    const run: SqlRunner = async <T>(sql: string) => {
      const result = (await client.query(sql)) as unknown as pg.QueryResult | pg.QueryResult[];
      const last = Array.isArray(result) ? result.at(-1) : result;
      return (last?.rows ?? []) as T[];
    };
    await run(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [`redline-demo:${schema}`]);
    try {
      if (!(await isSeeded(run, options.seed))) {
        options.onProgress?.(`seeding the demo schema ${schema}`);
        await seedDatabase(run, options.seed);
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [`redline-demo:${schema}`]);
    }
  } finally {
    client.release();
  }
}
