/** Copying a directory tree with all file copies in flight at once (about twice as fast as fs.cp for a PGlite data dir). */
import { copyFile, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Copies `from` into `to` (created if needed). Files are copied concurrently through the libuv
 * pool (copy_file_range where the kernel offers it); symlinks and special files are not expected
 * in a data dir and are skipped.
 */
export async function copyDirectory(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  const entries = await readdir(from, { withFileTypes: true });
  await Promise.all(
    entries.map((entry) => {
      const source = join(from, entry.name);
      const target = join(to, entry.name);
      if (entry.isDirectory()) return copyDirectory(source, target);
      if (entry.isFile()) return copyFile(source, target);
      return undefined;
    }),
  );
}
