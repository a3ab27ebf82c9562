/**
 * Where the database server's processes are, so the audit can read their CPU next to the
 * target's (issue 14: PostgreSQL used ~0.64 core while the report's CPU counted only Node).
 *
 * Only a server on this machine can be read from /proc: a URL whose host is 127.0.0.1, ::1,
 * localhost or a Unix socket directory. PostgreSQL: the backend serving our own connection
 * (`pg_backend_pid()`) is a child of the postmaster; the postmaster and all its children are
 * measured — every backend (so other clients of the same server count too), the checkpointer,
 * WAL writer and autovacuum. MariaDB/MySQL: one process (threads per connection), found by
 * `@@pid_file`, else the only `mariadbd`/`mysqld` process.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { type DbSession, openDb, parseDbTarget } from '../../db/index.js';
import type { DbServerMeasure } from '../../results/audit-result.js';

/** A local server found: its root process and what the reading covers. */
export interface DbServerProcess {
  pid: number;
  measure: DbServerMeasure;
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]', '']);

/** True when the URL's server runs on this machine (loopback host or a Unix socket path). */
export function isLocalDbUrl(url: string): boolean {
  // `?host=/run/postgresql` or `?socket=/run/mysqld/mysqld.sock`: a Unix socket, whatever the host.
  if (/[?&](?:host|socket)=(?:\/|%2f)/i.test(url)) return true;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  // postgres://%2Fvar%2Frun%2Fpostgresql/db: the host itself is an encoded socket directory.
  if (decodeURIComponent(parsed.hostname).startsWith('/')) return true;
  return LOCAL_HOSTS.has(parsed.hostname.toLowerCase());
}

function engineOf(session: DbSession): string {
  if (session.flavor === 'mariadb') return 'MariaDB';
  if (session.flavor === 'mysql') return 'MySQL';
  return 'PostgreSQL';
}

/** The parent pid and command name of a process, from /proc/<pid>/stat. */
function readStat(pid: number): { ppid: number; comm: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return { ppid, comm };
  } catch {
    return undefined;
  }
}

async function postmasterPid(session: DbSession): Promise<number | undefined> {
  const { rows } = await session.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  const backend = Number(rows[0]?.pid);
  const parent = Number.isInteger(backend) ? readStat(backend)?.ppid : undefined;
  if (!parent || parent <= 1) return undefined;
  // The postmaster's command name is "postgres" (or "postmaster" on old releases).
  return /^post/.test(readStat(parent)?.comm ?? '') ? parent : undefined;
}

async function mysqlPid(session: DbSession): Promise<number | undefined> {
  try {
    const { rows } = await session.query<{ f: string }>('SELECT @@pid_file AS f');
    const file = rows[0]?.f;
    if (file) {
      const pid = Number(readFileSync(String(file), 'utf8').trim());
      if (Number.isInteger(pid) && /^(mariadbd|mysqld)$/.test(readStat(pid)?.comm ?? ''))
        return pid;
    }
  } catch {
    // An unreadable pid file: look for the process itself.
  }
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    if (/^(mariadbd|mysqld)$/.test(readStat(Number(entry))?.comm ?? '')) found.push(Number(entry));
  }
  return found.length === 1 ? found[0] : undefined;
}

/**
 * Finds the database server's processes for the URL. Returns the measure to report when they
 * cannot be read (remote server, PGlite inside the target, not found) with `pid` undefined.
 */
export async function locateDbServer(
  url: string,
): Promise<{ pid?: number; measure: DbServerMeasure }> {
  const target = parseDbTarget(url);
  if (target.kind === 'pglite')
    return {
      measure: {
        engine: 'PGlite',
        measured: false,
        scope: 'runs inside the target process (its CPU is in the target’s)',
      },
    };
  const engine = target.kind === 'postgres' ? 'PostgreSQL' : 'MariaDB/MySQL';
  if (!isLocalDbUrl(url))
    return { measure: { engine, measured: false, scope: 'not measured (remote database)' } };
  if (!existsProc())
    return { measure: { engine, measured: false, scope: 'not measured (no /proc)' } };
  let session: DbSession | undefined;
  try {
    session = await openDb(target, { connectTimeoutMs: 5000 });
    const name = engineOf(session);
    const pid =
      session.kind === 'postgres' ? await postmasterPid(session) : await mysqlPid(session);
    if (pid === undefined)
      return {
        measure: {
          engine: name,
          measured: false,
          scope: 'not measured (server process not found)',
        },
      };
    const scope =
      session.kind === 'postgres'
        ? `all PostgreSQL server processes: the postmaster (pid ${pid}) and all its children, so other clients of this server count too`
        : `the ${readStat(pid)?.comm ?? 'server'} process (pid ${pid}), every connection's thread`;
    return { pid, measure: { engine: name, measured: true, scope } };
  } catch {
    return { measure: { engine, measured: false, scope: 'not measured (server unreachable)' } };
  } finally {
    await session?.close().catch(() => undefined);
  }
}

function existsProc(): boolean {
  try {
    readFileSync('/proc/self/stat');
    return true;
  } catch {
    return false;
  }
}
