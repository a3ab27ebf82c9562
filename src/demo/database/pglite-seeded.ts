/** Opening a PGlite instance on a data dir and making sure it holds the demo's seed. */
import { PGlite } from '@electric-sql/pglite';
import { type DemoSeedSpec, isSeeded, type SqlRunner, seedDatabase } from './seed.js';

/**
 * Keeps the data dir small, so copying the cache at each start is quick (about 85 MB with the
 * default seed instead of 175 MB): 1 MB WAL segments, no WAL for tables loaded in the transaction
 * that created them, and at most 8 MB of WAL kept after a checkpoint.
 */
const INITDB_PARAMS = ['--wal-segsize=1'];
const SMALL_WAL_PARAMS = [
  ...['-c', 'wal_level=minimal', '-c', 'max_wal_senders=0'],
  ...['-c', 'min_wal_size=2MB', '-c', 'max_wal_size=8MB'],
];

/** Runs multi-statement SQL on a PGlite instance and returns the rows of the last statement. */
export function createPgliteRunner(db: PGlite): SqlRunner {
  return async <T>(sql: string): Promise<T[]> => {
    const results = await db.exec(sql);
    return (results.at(-1)?.rows ?? []) as T[];
  };
}

/** Opens PGlite with its data under `dataDir` (created by initdb when empty) and seeds it if needed. */
export async function openSeededPglite(
  dataDir: string,
  seed: DemoSeedSpec,
  onProgress?: (message: string) => void,
): Promise<PGlite> {
  const db = await PGlite.create({
    dataDir,
    relaxedDurability: true,
    initDbStartParams: INITDB_PARAMS,
    startParams: [...PGlite.defaultStartParams, ...SMALL_WAL_PARAMS],
  });
  try {
    const run = createPgliteRunner(db);
    if (!(await isSeeded(run, seed))) {
      onProgress?.(
        `seeding the demo database (${seed.users} users, ${seed.items} items, ${seed.orders} orders)`,
      );
      await seedDatabase(run, seed);
      await run('CHECKPOINT');
    }
    return db;
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
}
