/** A seeded PGlite data dir cached in os.tmpdir(), so only the first start pays for initdb and seeding. */
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSeededPglite } from './pglite-seeded.js';
import { type DemoSeedSpec, seedFingerprint } from './seed.js';

/** Default root of the cache: `<os.tmpdir()>/redline-demo-cache`. */
export function defaultSeedCacheRoot(): string {
  return join(tmpdir(), 'redline-demo-cache');
}

const STALE_BUILD_MS = 60 * 60 * 1000;

/**
 * Returns the path of a closed, seeded PGlite data dir for `spec`, building it first when absent.
 * Builds happen in a private directory renamed into place, so concurrent starts never see a
 * half-built cache (the loser of a race discards its copy). Callers must copy it, never open it.
 */
export async function ensureSeedCache(
  spec: DemoSeedSpec,
  root = defaultSeedCacheRoot(),
  onProgress?: (message: string) => void,
): Promise<string> {
  const key = seedFingerprint(spec).replaceAll(':', '-');
  const target = join(root, key);
  if (await isDirectory(target)) return target;
  await mkdir(root, { recursive: true });
  await removeStaleBuilds(root);
  const building = join(root, `${key}.building-${process.pid}-${Date.now()}`);
  onProgress?.(`building the demo database cache in ${target} (first run only)`);
  try {
    const db = await openSeededPglite(building, spec, onProgress);
    await db.close();
    await rename(building, target);
  } catch (error) {
    await rm(building, { recursive: true, force: true });
    if (await isDirectory(target)) return target; // another process won the race
    throw error;
  }
  return target;
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** Removes build directories left behind by interrupted processes (older than an hour). */
async function removeStaleBuilds(root: string): Promise<void> {
  for (const name of await readdir(root)) {
    if (!name.includes('.building-')) continue;
    const path = join(root, name);
    const info = await stat(path).catch(() => undefined);
    if (info && Date.now() - info.mtimeMs > STALE_BUILD_MS) {
      await rm(path, { recursive: true, force: true });
    }
  }
}
