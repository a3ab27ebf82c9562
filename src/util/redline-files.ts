/**
 * Redline's own code loaded into a user's process: the probe (`redline/probe`) and the shared
 * folders it runs (util, db, findings, errors). Their frames are never the user's code: profiles
 * charge them to the user's calling line, as for any dependency.
 */
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package name Redline's own frames are reported under. */
export const REDLINE_PACKAGE = 'redline';

/** `dist/` when running the build, `src/` when running the sources (tests, tsx). */
const CODE_ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

/**
 * Folders of Redline that run inside the profiled process when the probe is preloaded, under both
 * `dist/` and `src/` of this package, whichever this code runs from: the probe in a target runs
 * from the build while the analysis may run from the sources (tests, tsx), and a frame mapped
 * through its source map names the `.ts` source (the demo audit, analysed from the sources, named
 * the build's pglite wrapper as "your" calling line: `src/probe/drivers/pglite.ts`).
 */
const IN_PROCESS_FOLDERS = ['dist', 'src'].flatMap((root) =>
  ['probe', 'util', 'db', 'findings', 'errors'].map(
    (folder) => `${join(dirname(CODE_ROOT), root, folder)}${sep}`,
  ),
);

/**
 * True for a file of Redline's in-process code (`<redline>/dist/probe/drivers/pg.js`, or
 * `src/probe/…` when run from the sources). The demo app (`demo/`) is not included: it plays the
 * user's code. A Redline installed under node_modules is a dependency by its path already.
 */
export function isRedlineInProcessFile(path: string): boolean {
  return IN_PROCESS_FOLDERS.some((folder) => path.startsWith(folder));
}
