/**
 * A throw-away MariaDB server for one test file: `mariadb-install-db` into a temporary folder,
 * `mariadbd` on a free loopback port with the options the test needs (e.g. the slow query log),
 * no grant tables (root without a password), removed afterwards. Server-wide settings of the
 * shared MariaDB on 3306 are never touched. Self-contained on purpose (the lead may merge it with
 * the shared test/setup instances later).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort, waitForPort } from '../../src/util/net.js';

/** A running private server. */
export interface PrivateMariaDb {
  /** mysql://root@127.0.0.1:<port>/ */
  url: string;
  port: number;
  dir: string;
  /** The slow log file, when it was enabled. */
  slowLogFile?: string;
  stop(): Promise<void>;
}

/** True when the MariaDB binaries are on this machine. */
export function hasMariaDbBinaries(): boolean {
  // mariadb-install-db has no --version and exits 1 after --help: check that it runs at all.
  const install = spawnSync('mariadb-install-db', ['--help'], { stdio: 'ignore' });
  return (
    install.error === undefined &&
    spawnSync('mariadbd', ['--version'], { stdio: 'ignore' }).status === 0
  );
}

/** Options of {@link startPrivateMariaDb}. */
export interface PrivateMariaDbOptions {
  /** Log every statement to the slow log (long_query_time=0) with this log_output. */
  slowLog?: 'FILE' | 'TABLE' | 'FILE,TABLE';
  /** Extra mariadbd options. */
  args?: string[];
}

/** Creates, starts and waits for a private server. */
export async function startPrivateMariaDb(
  options: PrivateMariaDbOptions = {},
): Promise<PrivateMariaDb> {
  const dir = mkdtempSync(join(tmpdir(), 'rl-mariadb-'));
  const data = join(dir, 'data');
  const install = spawnSync(
    'mariadb-install-db',
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
  const port = await findFreePort();
  const slowLogFile = options.slowLog ? join(dir, 'slow.log') : undefined;
  const args = [
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
    ...(options.args ?? []),
  ];
  const child: ChildProcess = spawn('mariadbd', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitForPort(port, '127.0.0.1', 60_000, 100);
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`mariadbd did not start: ${String(error)}\n${stderr}`);
  }
  return {
    url: `mysql://root@127.0.0.1:${port}/`,
    port,
    dir,
    ...(slowLogFile ? { slowLogFile } : {}),
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
