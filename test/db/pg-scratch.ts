/** Helpers for integration tests: a throw-away PostgreSQL database / MariaDB schema per test file. */
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import pg from 'pg';

/** Base URL of this machine's PostgreSQL (override with REDLINE_TEST_PG). */
export const PG_BASE = process.env['REDLINE_TEST_PG'] ?? 'postgres://postgres@127.0.0.1:5432';
/** Base URL of this machine's MariaDB (override with REDLINE_TEST_MYSQL). */
export const MYSQL_BASE = process.env['REDLINE_TEST_MYSQL'] ?? 'mysql://root@127.0.0.1:3306';

/** A unique lower-case name for a scratch database. */
export function scratchName(prefix: string): string {
  return `${prefix}_${process.pid}_${randomBytes(3).toString('hex')}`;
}

/** Creates a PostgreSQL database on `base` (default: this machine's); returns its URL and a drop function. */
export async function createPgDatabase(
  prefix = 'rl_db',
  base = PG_BASE,
): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const name = scratchName(prefix);
  const admin = new pg.Client({ connectionString: `${base}/postgres` });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return {
    url: `${base}/${name}`,
    name,
    drop: async () => {
      const again = new pg.Client({ connectionString: `${base}/postgres` });
      await again.connect();
      await again.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await again.end();
    },
  };
}

/** Runs statements on a PostgreSQL URL with a short-lived client. */
export async function pgExec(
  url: string,
  statements: string[],
): Promise<Array<Record<string, unknown>[]>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const out: Array<Record<string, unknown>[]> = [];
    for (const sql of statements) out.push((await client.query(sql)).rows);
    return out;
  } finally {
    await client.end();
  }
}

/** Creates a MariaDB database (schema) on `base` (default: this machine's); returns its URL and a drop function. */
export async function createMysqlDatabase(
  prefix = 'rl_db',
  base = MYSQL_BASE,
): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const name = scratchName(prefix);
  const admin = await mysql.createConnection({ uri: base });
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return {
    url: `${base}/${name}`,
    name,
    drop: async () => {
      const again = await mysql.createConnection({ uri: base });
      await again.query(`DROP DATABASE IF EXISTS ${name}`);
      await again.end();
    },
  };
}

/** Runs statements on a MariaDB URL. */
export async function mysqlExec(url: string, statements: string[]): Promise<unknown[]> {
  const connection = await mysql.createConnection({ uri: url });
  try {
    const out: unknown[] = [];
    for (const sql of statements) out.push((await connection.query(sql))[0]);
    return out;
  } finally {
    await connection.end();
  }
}
