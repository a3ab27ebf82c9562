/**
 * A throw-away PostgreSQL server: `initdb` into a temporary folder, `pg_ctl start` on a free
 * loopback port with its unix socket in that folder and the server settings a test needs (e.g.
 * `shared_preload_libraries=pg_stat_statements`), trust authentication for `postgres`, removed by
 * `stop()`. The system's PostgreSQL on 5432 is never touched.
 *
 * PostgreSQL refuses to run as root: when the tests run as root, initdb and pg_ctl run as the
 * `postgres` user (runuser) and the temporary folder is handed to that user.
 */
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from '../../src/util/net.js';
import { findBinary } from './require-binary.js';

/** A running private PostgreSQL server. */
export interface PrivatePostgres {
  /** postgres://postgres@127.0.0.1:<port> (no database: append `/<name>`). */
  base: string;
  port: number;
  dir: string;
  /** Stops the server and removes its folder. */
  stop(): Promise<void>;
  /** The same, synchronously (for exit and signal handlers). */
  stopSync(): void;
}

/** Options of {@link startPrivatePostgres}. */
export interface PrivatePostgresOptions {
  /** Server settings passed as `-c name=value`. */
  settings?: Record<string, string>;
}

/** True when initdb and pg_ctl are on this machine. */
export function hasPostgresBinaries(): boolean {
  return findBinary('initdb') !== undefined && findBinary('pg_ctl') !== undefined;
}

/** The command line that runs `argv` as the postgres user when we are root. */
function asPostgres(argv: string[]): [string, string[]] {
  if (process.getuid?.() === 0) return ['runuser', ['-u', 'postgres', '--', ...argv]];
  return [argv[0] as string, argv.slice(1)];
}

function run(argv: string[], what: string): void {
  const [cmd, args] = asPostgres(argv);
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) {
    throw new Error(`${what} failed (exit ${r.status}): ${r.error?.message ?? ''}${r.stderr}`);
  }
}

/** Creates, starts and waits for a private server (retries on a port taken in between). */
export async function startPrivatePostgres(
  options: PrivatePostgresOptions = {},
): Promise<PrivatePostgres> {
  const initdb = findBinary('initdb');
  const pgCtl = findBinary('pg_ctl');
  if (!initdb || !pgCtl) throw new Error('initdb/pg_ctl not found: apt-get install -y postgresql');
  const dir = mkdtempSync(join(tmpdir(), 'rl-postgres-'));
  const data = join(dir, 'data');
  if (process.getuid?.() === 0) {
    const pw = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    if (pw.status !== 0) throw new Error('running as root but there is no postgres user');
    chownSync(dir, Number(pw.stdout.trim()), Number(gid.stdout.trim()));
  }
  const stopSync = (): void => {
    if (existsSync(join(data, 'postmaster.pid'))) {
      const [cmd, args] = asPostgres([pgCtl, 'stop', '-D', data, '-m', 'immediate', '-w']);
      spawnSync(cmd, args, { stdio: 'ignore', timeout: 30_000 });
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    run([initdb, '-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync'], 'initdb');
    const settings: Record<string, string> = {
      listen_addresses: '127.0.0.1',
      unix_socket_directories: dir,
      fsync: 'off',
      full_page_writes: 'off',
      ...options.settings,
    };
    let lastError: unknown;
    for (let attempt = 0; attempt < 5; attempt++) {
      const port = await findFreePort();
      const serverArgs = Object.entries({ ...settings, port: String(port) })
        .map(([k, v]) => `-c ${k}=${v}`)
        .join(' ');
      try {
        run(
          [pgCtl, 'start', '-D', data, '-w', '-t', '60', '-l', join(dir, 'log'), '-o', serverArgs],
          'pg_ctl start',
        );
      } catch (error) {
        // Another process took the port between findFreePort and the bind: try another one.
        const log = existsSync(join(dir, 'log')) ? readFileSync(join(dir, 'log'), 'utf8') : '';
        lastError = new Error(`${String(error)}\n${log.slice(-2000)}`);
        if (/could not bind|address already in use/i.test(log)) continue;
        throw lastError;
      }
      return {
        base: `postgres://postgres@127.0.0.1:${port}`,
        port,
        dir,
        stopSync,
        async stop() {
          stopSync();
        },
      };
    }
    throw lastError;
  } catch (error) {
    stopSync();
    throw error;
  }
}
