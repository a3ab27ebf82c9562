// Where the probe benches run their app: a directory of its own, as a user's service has, with a
// package.json that declares `pg` only (node_modules is a link to the repository's). Run from the
// repository instead, the probe would see Redline's own package.json and load every driver,
// framework and promise library declared there ahead of the app (331 CommonJS modules, heap
// 4.6 → 15 MB), which a user's service does not pay. REPO_HOME=1 keeps the old placement.
import { spawn, spawnSync } from 'node:child_process';
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

/** The Node binary the apps run on (env APP_NODE, default this one): e.g. Node 24, whose AsyncLocalStorage needs no async hooks. */
export const APP_NODE = process.env.APP_NODE ?? process.execPath;
const hasTaskset = spawnSync('taskset', ['-V']).status === 0;

/**
 * Pins the calling bench (the load generator) to core 1 when taskset exists, and returns how to
 * start an app (pinned to core 0 when it can be): `start(args, dir, env)` runs `node ...args` in
 * `dir` and resolves when it prints `listening <port>` ({ port, pid, stop }).
 */
export function probeAppPlacement() {
  if (hasTaskset) spawnSync('taskset', ['-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });
  const command = (args) =>
    hasTaskset ? ['taskset', ['-c', '0', APP_NODE, ...args]] : [APP_NODE, args];
  const start = async (args, dir, env) => {
    const [cmd, argv] = command(args);
    const child = spawn(cmd, argv, { cwd: dir, env, stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((r) => child.once('exit', r));
    const port = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('app did not start')), 30_000);
      child.stdout.on('data', (chunk) => {
        const m = /listening (\d+)/.exec(String(chunk));
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
    });
    const stop = () => {
      child.kill('SIGTERM');
      return exited;
    };
    return { port, pid: child.pid, stop };
  };
  return { pinned: hasTaskset, start };
}
