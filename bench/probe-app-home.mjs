// Where the probe benches run their app: a directory of its own, as a user's service has, with a
// package.json that declares `pg` only (node_modules is a link to the repository's). Run from the
// repository instead, the probe would see Redline's own package.json and load every driver,
// framework and promise library declared there ahead of the app (331 CommonJS modules, heap
// 4.6 → 15 MB), which a user's service does not pay. REPO_HOME=1 keeps the old placement.
import { copyFileSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** { dir, entry, remove }: the app's directory (its cwd), its entry file and a clean-up. */
export function probeAppHome(root) {
  const fixture = join(root, 'test/fixtures/apps/db/bench-pg.mjs');
  if (process.env.REPO_HOME === '1') return { dir: root, entry: fixture, remove: () => {} };
  const dir = mkdtempSync(join(tmpdir(), 'redline-probe-app-'));
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'probe-bench-app', private: true, dependencies: { pg: '*' } }),
  );
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  copyFileSync(fixture, join(dir, 'server.mjs'));
  return {
    dir,
    entry: join(dir, 'server.mjs'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
