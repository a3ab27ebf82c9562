/**
 * Vitest global setup: throw-away database servers with the settings some tests need, started
 * from the installed binaries (see test/helpers/private-servers.ts for the test side):
 * - PostgreSQL with `shared_preload_libraries=pg_stat_statements` and `track_io_timing=on`
 *   (test/helpers/private-postgres.ts: initdb + pg_ctl, port and socket of its own);
 * - MariaDB with `performance_schema=ON` (test/helpers/private-mariadb.ts).
 * A server is started only when a selected test file uses it, and removed at the end of the run,
 * also when the run is interrupted (Ctrl-C): vitest exits through process.exit, which runs the
 * exit handler below. The machine's own services are never touched.
 */
import { readFileSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { hasMariaDbBinaries, startPrivateMariaDb } from '../helpers/private-mariadb.js';
import { hasPostgresBinaries, startPrivatePostgres } from '../helpers/private-postgres.js';
import { PRIVATE_SERVER_MARKERS, type PrivateServer } from '../helpers/private-servers.js';
import { inCi, missingReason } from '../helpers/require-binary.js';

/** The test files this run will execute (all of them when the internal filter is unavailable). */
async function selectedFiles(project: TestProject): Promise<string[] | undefined> {
  try {
    const filters = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern;
    const { testFiles } = await project.globTestFiles(filters ?? []);
    return testFiles;
  } catch {
    return undefined;
  }
}

function uses(files: string[] | undefined, marker: string): boolean {
  if (!files) return true;
  return files.some((file) => {
    try {
      return readFileSync(file, 'utf8').includes(marker);
    } catch {
      return false;
    }
  });
}

/** Starts what the selected tests need; returns the teardown. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const files = await selectedFiles(project);
  const stops: Array<{ stop(): Promise<void>; stopSync(): void }> = [];
  const onExit = (): void => {
    for (const s of stops.splice(0)) s.stopSync();
  };
  process.on('exit', onExit);

  const start = async (
    key: 'pgStats' | 'mariaDbPs',
    envVar: string,
    binariesThere: () => boolean,
    missing: Parameters<typeof missingReason>[0],
    launch: () => Promise<PrivateServer & { stop(): Promise<void>; stopSync(): void }>,
  ): Promise<void> => {
    if (!uses(files, PRIVATE_SERVER_MARKERS[key])) return;
    const fromEnv = process.env[envVar];
    if (fromEnv) {
      project.provide(key, { base: fromEnv.replace(/\/+$/, ''), skipReason: '' });
      return;
    }
    if (!binariesThere()) {
      const reason = missingReason(missing);
      if (inCi()) throw new Error(`CI=true and ${reason}`);
      console.warn(`[private-servers] tests that need it are skipped: ${reason}`);
      project.provide(key, { base: '', skipReason: reason });
      return;
    }
    const server = await launch();
    stops.push(server);
    project.provide(key, { base: server.base, skipReason: '' });
  };

  const outcomes = await Promise.allSettled([
    start(
      'pgStats',
      'REDLINE_TEST_PG_STATS_URL',
      hasPostgresBinaries,
      ['initdb', 'pg_ctl'],
      async () => {
        const pg = await startPrivatePostgres({
          settings: {
            shared_preload_libraries: 'pg_stat_statements',
            track_io_timing: 'on',
          },
        });
        return { ...pg, skipReason: '' };
      },
    ),
    start(
      'mariaDbPs',
      'REDLINE_TEST_MARIADB_PS_URL',
      hasMariaDbBinaries,
      ['mariadbd', 'mariadb-install-db'],
      async () => {
        const db = await startPrivateMariaDb({ performanceSchema: true });
        return { ...db, base: db.url.replace(/\/+$/, ''), skipReason: '' };
      },
    ),
  ]);
  const failed = outcomes.find((o) => o.status === 'rejected');
  if (failed) {
    onExit();
    process.off('exit', onExit);
    throw failed.reason;
  }

  return async () => {
    process.off('exit', onExit);
    await Promise.all(stops.splice(0).map((s) => s.stop()));
  };
}
