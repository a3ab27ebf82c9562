/**
 * A throw-away MariaDB server: `mariadb-install-db` into a temporary folder, `mariadbd` on a free
 * loopback port (socket in that folder) with the options the test needs (the slow query log,
 * performance_schema), no grant tables (root without a password), removed afterwards.
 * Server-wide settings of the shared MariaDB on 3306 are never touched. Used by single test files
 * (slow log) and by the suite's global setup (test/setup/private-servers.ts, performance_schema).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort, waitForPort } from '../../src/util/net.js';
import { findBinary } from './require-binary.js';

/** A running private server. */
export interface PrivateMariaDb {
  /** mysql://root@127.0.0.1:<port>/ */
  url: string;
  port: number;
  dir: string;
  /** The slow log file, when it was enabled. */
  slowLogFile?: string;
  stop(): Promise<void>;
  /** Kills the server and removes its folder, synchronously (for exit and signal handlers). */
  stopSync(): void;
}

/** True when the MariaDB binaries are on this machine. */
export function hasMariaDbBinaries(): boolean {
  return findBinary('mariadb-install-db') !== undefined && findBinary('mariadbd') !== undefined;
}

/** Options of {@link startPrivateMariaDb}. */
export interface PrivateMariaDbOptions {
  /** Log every statement to the slow log (long_query_time=0) with this log_output. */
  slowLog?: 'FILE' | 'TABLE' | 'FILE,TABLE';
  /** Turn performance_schema on (statement digests for `db top`). */
  performanceSchema?: boolean;
  /** Extra mariadbd options. */
  args?: string[];
}

/** Creates, starts and waits for a private server. */
export async function startPrivateMariaDb(
  options: PrivateMariaDbOptions = {},
): Promise<PrivateMariaDb> {
  const installDb = findBinary('mariadb-install-db');
  const mariadbd = findBinary('mariadbd');
  if (!installDb || !mariadbd) {
    throw new Error('mariadb-install-db/mariadbd not found: apt-get install -y mariadb-server');
  }
  const dir = mkdtempSync(join(tmpdir(), 'rl-mariadb-'));
  const data = join(dir, 'data');
  const install = spawnSync(
    installDb,
    [
      '--no-defaults',
      `--datadir=${data}`,
      '--auth-root-authentication-method=normal',
      '--skip-test-db',
    ],
    { encoding: 'utf8' },
  );
  if (install.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`mariadb-install-db failed: ${install.stderr}`);
  }
  const slowLogFile = options.slowLog ? join(dir, 'slow.log') : undefined;
  const argsFor = (port: number): string[] => [
    '--no-defaults',
    `--datadir=${data}`,
    `--socket=${join(dir, 'mysqld.sock')}`,
    `--pid-file=${join(dir, 'mysqld.pid')}`,
    `--port=${port}`,
    '--bind-address=127.0.0.1',
    '--user=root',
    '--skip-grant-tables',
    '--innodb-buffer-pool-size=16M',
    '--skip-log-bin',
    ...(options.slowLog
      ? [
          '--slow-query-log',
          `--slow-query-log-file=${slowLogFile}`,
          '--long-query-time=0',
          `--log-output=${options.slowLog}`,
        ]
      : []),
    ...(options.performanceSchema ? ['--performance-schema=ON'] : []),
    ...(options.args ?? []),
  ];
  let started: { child: ChildProcess; port: number; exited: Promise<void> } | undefined;
  let lastError = '';
  // The port is free when asked for but another process may take it before mariadbd binds it:
  // on a bind error, try another port.
  for (let attempt = 0; attempt < 5 && !started; attempt++) {
    const port = await findFreePort();
    const child: ChildProcess = spawn(mariadbd, argsFor(port), {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const ready = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 60_000);
      child.stderr?.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString()).slice(-4000);
        if (stderr.includes('ready for connections')) {
          clearTimeout(timer);
          resolve(true);
        }
      });
      void exited.then(() => {
        clearTimeout(timer);
        resolve(false);
      });
    });
    if (ready) {
      await waitForPort(port, '127.0.0.1', 10_000, 50);
      started = { child, port, exited };
      break;
    }
    child.kill('SIGKILL');
    await exited;
    lastError = stderr;
    if (!/bind|address already in use/i.test(stderr)) break;
  }
  if (!started) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`mariadbd did not start:\n${lastError}`);
  }
  const { child, port, exited } = started;
  return {
    url: `mysql://root@127.0.0.1:${port}/`,
    port,
    dir,
    ...(slowLogFile ? { slowLogFile } : {}),
    stopSync() {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
