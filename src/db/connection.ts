/** Database targets (`postgres://`, `mysql://`, `pglite:<dir>`): parsing, password masking, sessions. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { QueryConfig } from 'pg';
import { ExitCode } from '../errors/exit-codes.js';
import { RedlineError } from '../errors/redline-error.js';

/** Which driver a target needs. */
export type DbKind = 'postgres' | 'mysql' | 'pglite';

/** The server flavour a session talks to (MySQL-protocol servers are told apart by VERSION()). */
export type DbFlavor = 'postgres' | 'pglite' | 'mariadb' | 'mysql';

/** A parsed `--db` value. `display` is safe to print: the password is masked. */
export interface DbTarget {
  kind: DbKind;
  url: string;
  display: string;
  /** PGlite data directory (absolute), or `memory://` for an in-memory database. */
  pgliteDir?: string;
}

/** Rows returned by {@link DbSession.query}. */
export interface DbResult<T = Record<string, unknown>> {
  rows: T[];
}

/**
 * One open connection, whatever the driver. `query` sends exactly one statement: the server
 * refuses text that holds several (PostgreSQL and PGlite get one Parse message per statement —
 * the extended query protocol — and MySQL/MariaDB connections never enable multi-statements).
 */
export interface DbSession {
  readonly kind: DbKind;
  readonly flavor: DbFlavor;
  readonly display: string;
  /**
   * Runs one statement with positional parameters (`$1` for PostgreSQL, `?` for MySQL), always
   * bound by the server, never spliced into the text.
   */
  query<T = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
  ): Promise<DbResult<T>>;
  close(): Promise<void>;
}

/** Replaces the password of a connection URL with `***` (also in `?password=` query params). */
export function maskDbUrl(url: string): string {
  return url
    .replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/?#@]*):([^@/?#]*)@/i, '$1:***@')
    .replace(/([?&](?:password|pass|pwd|sslpassword)=)[^&]*/gi, '$1***');
}

/** Removes the password of `url` from any text (driver error messages may echo it). */
export function scrubSecret(text: string, url: string): string {
  const match = /^[a-z][a-z0-9+.-]*:\/\/[^:/?#@]*:([^@/?#]+)@/i.exec(url);
  const password = match?.[1];
  if (!password) return text;
  let decoded = password;
  try {
    decoded = decodeURIComponent(password);
  } catch {
    // keep the raw text
  }
  return text.split(password).join('***').split(decoded).join('***');
}

/** Parses a `--db` value. Throws `DB_URL` (exit 2) for an unknown scheme. */
export function parseDbTarget(url: string): DbTarget {
  const display = maskDbUrl(url);
  if (/^postgres(?:ql)?:\/\//i.test(url)) return { kind: 'postgres', url, display };
  if (/^(?:mysql|mariadb):\/\//i.test(url))
    return { kind: 'mysql', url: url.replace(/^mariadb:/i, 'mysql:'), display };
  if (/^pglite:/i.test(url)) {
    const rest = url.slice('pglite:'.length).replace(/^\/\/(?=\/)/, '');
    if (rest === '' || rest === 'memory' || rest === 'memory://') {
      return { kind: 'pglite', url, display, pgliteDir: 'memory://' };
    }
    return { kind: 'pglite', url, display, pgliteDir: resolve(rest) };
  }
  throw new RedlineError('DB_URL', `unsupported database URL: ${display}`, {
    exitCode: ExitCode.Usage,
    hint: 'use postgres://user@host:5432/db, mysql://user@host:3306/db (MariaDB too) or pglite:<data dir>',
  });
}

/** Opens a session on `target`. Unreachable servers give `DB_UNREACHABLE` (exit 72). */
export async function openDb(
  target: DbTarget,
  options: { connectTimeoutMs?: number } = {},
): Promise<DbSession> {
  const timeout = options.connectTimeoutMs ?? 10_000;
  try {
    if (target.kind === 'postgres') return await openPostgres(target, timeout);
    if (target.kind === 'mysql') return await openMysql(target, timeout);
    return await openPglite(target);
  } catch (error) {
    if (error instanceof RedlineError) throw error;
    const message = scrubSecret(error instanceof Error ? error.message : String(error), target.url);
    throw new RedlineError('DB_UNREACHABLE', `cannot connect to ${target.display}: ${message}`, {
      exitCode: ExitCode.Unavailable,
      hint: 'check that the database is running and that the URL, user and database name are right',
    });
  }
}

async function openPostgres(target: DbTarget, timeout: number): Promise<DbSession> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({
    connectionString: target.url,
    connectionTimeoutMillis: timeout,
    application_name: 'redline',
  });
  client.on('error', () => {}); // a dropped connection surfaces on the next query
  await client.connect();
  return {
    kind: 'postgres',
    flavor: 'postgres',
    display: target.display,
    query: async <T>(sql: string, params?: readonly unknown[]) => {
      // queryMode 'extended' makes node-postgres send Parse/Bind/Execute even without
      // parameters: the server then rejects text holding more than one statement.
      const config = { text: sql, values: params ? [...params] : [], queryMode: 'extended' };
      const result = await client.query(config as QueryConfig);
      return { rows: result.rows as T[] };
    },
    close: () => client.end(),
  };
}

async function openMysql(target: DbTarget, timeout: number): Promise<DbSession> {
  const mysql = await import('mysql2/promise');
  const connection = await mysql.createConnection({
    uri: target.url,
    connectTimeout: timeout,
    multipleStatements: false,
  });
  connection.on('error', () => {});
  const [versionRows] = await connection.query('SELECT VERSION() AS v');
  const version = String((versionRows as Array<{ v: string }>)[0]?.v ?? '');
  return {
    kind: 'mysql',
    flavor: /mariadb/i.test(version) ? 'mariadb' : 'mysql',
    display: target.display,
    query: async <T>(sql: string, params?: readonly unknown[]) => {
      // Parameters go through a server-side prepared statement (binary protocol): mysql2's
      // client-side formatting would splice them into the text, which NO_BACKSLASH_ESCAPES breaks.
      const [rows] =
        params && params.length > 0
          ? await connection.execute(sql, [...params] as never[])
          : await connection.query(sql);
      return { rows: (Array.isArray(rows) ? rows : []) as T[] };
    },
    close: () => connection.end(),
  };
}

async function openPglite(target: DbTarget): Promise<DbSession> {
  const dir = target.pgliteDir ?? 'memory://';
  if (dir !== 'memory://' && !existsSync(dir)) {
    throw new RedlineError('DB_UNREACHABLE', `PGlite data directory not found: ${dir}`, {
      exitCode: ExitCode.NoInput,
      hint: 'pass the directory the application gives to new PGlite(dir)',
    });
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const db = new PGlite(dir);
  await db.waitReady;
  return createPgliteSession(db, target.display, true);
}

/** The subset of a PGlite instance a session needs (lets callers pass their own instance). */
export interface PgliteLike {
  query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
  close(): Promise<void>;
}

/**
 * Wraps an open PGlite instance as a session; `owned` sessions close it on `close()`. PGlite's
 * `query` uses the extended protocol, so one call runs at most one statement.
 */
export function createPgliteSession(db: PgliteLike, display = 'pglite', owned = false): DbSession {
  return {
    kind: 'pglite',
    flavor: 'pglite',
    display,
    query: async <T>(sql: string, params?: readonly unknown[]) => {
      const result = await db.query<T>(sql, params ? [...params] : undefined);
      return { rows: result.rows };
    },
    close: async () => {
      if (owned) await db.close();
    },
  };
}
