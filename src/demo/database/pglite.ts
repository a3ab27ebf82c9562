/** Opening the embedded PGlite database: a private copy of a cached, already seeded data dir (fast), or a given dir. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PGlite, Transaction } from '@electric-sql/pglite';
import { copyDirectory } from './copy-dir.js';
import {
  createCountingDatabase,
  type DemoDatabase,
  type DriverQuery,
  type DriverTransaction,
} from './database.js';
import { openSeededPglite } from './pglite-seeded.js';
import type { DemoSeedSpec } from './seed.js';
import { ensureSeedCache } from './seed-cache.js';

/** Options of {@link openPgliteDatabase}. */
export interface PgliteOpenOptions {
  seed: DemoSeedSpec;
  /** Use (and keep) this data directory instead of a temporary copy of the cache. */
  dataDir?: string;
  /** Root of the seeded-data cache (default `<os.tmpdir()>/redline-demo-cache`); `false` disables it. */
  cacheDir?: string | false;
  /** Progress notes (e.g. "seeding …"), for a log on stderr. */
  onProgress?: (message: string) => void;
}

/** Opens the demo's PGlite database: seeded, with a query counter, removing its temporary copy on close. */
export async function openPgliteDatabase(options: PgliteOpenOptions): Promise<DemoDatabase> {
  if (options.dataDir !== undefined) {
    const db = await openSeededPglite(options.dataDir, options.seed, options.onProgress);
    return wrap(db, undefined);
  }
  const temporary = await mkdtemp(join(tmpdir(), 'redline-demo-db-'));
  try {
    const db = await openTemporaryCopy(temporary, options);
    return wrap(db, temporary);
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    throw error;
  }
}

/** Copies the cache into `dir` and opens it; a cache that does not open (e.g. written by another PGlite version) is rebuilt once. */
async function openTemporaryCopy(dir: string, options: PgliteOpenOptions): Promise<PGlite> {
  const { seed, cacheDir, onProgress } = options;
  if (cacheDir === false) return openSeededPglite(dir, seed, onProgress);
  const cached = await ensureSeedCache(seed, cacheDir, onProgress);
  await copyDirectory(cached, dir);
  try {
    return await openSeededPglite(dir, seed, onProgress);
  } catch (error) {
    onProgress?.(`the cached demo database did not open (${String(error)}); rebuilding it`);
    await rm(cached, { recursive: true, force: true });
    await rm(dir, { recursive: true, force: true });
    const rebuilt = await ensureSeedCache(seed, cacheDir, onProgress);
    await copyDirectory(rebuilt, dir);
    return openSeededPglite(dir, seed, onProgress);
  }
}

type Queryable = Pick<PGlite, 'query'> | Pick<Transaction, 'query'>;

/** Calls `target.query` at call time, so an instrumentation patch on PGlite sees every query. */
function queryOn(target: Queryable): DriverQuery {
  return <T>(sql: string, params?: unknown[]) =>
    target.query<T>(sql, params).then((r) => ({
      rows: r.rows,
      rowCount: r.affectedRows || r.rows.length,
    }));
}

function wrap(db: PGlite, temporary: string | undefined): DemoDatabase {
  const transaction: DriverTransaction = (fn, rollback) =>
    db.transaction(async (tx) => {
      const result = await fn(queryOn(tx));
      if (rollback) await tx.rollback();
      return result;
    });
  return createCountingDatabase('pglite', {
    query: queryOn(db),
    transaction,
    close: async () => {
      await db.close();
      if (temporary) await rm(temporary, { recursive: true, force: true });
    },
  });
}
