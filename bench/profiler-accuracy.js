// Accuracy of `redline profile` on the hot-spot fixture apps: the hot spot named by the profile
// (original .ts file:line) and its share, against the share measured by timing that code directly
// (performance.now() around it / event-loop active time) in the same window.
// Usage: npm run build && node bench/profiler-accuracy.js [loadSeconds=4] [captureJson]
// (captureJson: capture options, e.g. '{"samplingIntervalUs":5000}', to check a coarser interval)
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { runQuickTest } from '../dist/engine/index.js';
import { profileTarget } from '../dist/profiler/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const appsDir = join(root, 'test/fixtures/apps/profiler');
const apps = ['sync-crypto', 'big-json', 'catastrophic-regex'];
const loadMs = Number(process.argv[2] ?? 4) * 1000;
const capture = process.argv[3] ? JSON.parse(process.argv[3]) : {};
const dir = mkdtempSync(join(tmpdir(), 'redline-accuracy-'));
const stats = async (url) => (await fetch(new URL('/__stats', url))).json();

try {
  await build({
    entryPoints: apps.map((a) => join(appsDir, `${a}.ts`)),
    outdir: dir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    sourcemap: 'linked',
    logLevel: 'silent',
  });
  console.log(
    'app                  expected line  named (first finding)                          profile  direct  diff',
  );
  for (const app of apps) {
    const line =
      readFileSync(join(appsDir, `${app}.ts`), 'utf8')
        .split('\n')
        .findIndex((l) => l.includes('// HOT-SPOT')) + 1;
    let before;
    let after;
    const result = await profileTarget({
      target: { command: [process.execPath, join(dir, `${app}.mjs`)] },
      warmup: (url, signal) => runQuickTest({ url, connections: 4, durationMs: 1000, signal }),
      load: async (url, signal) => {
        before = await stats(url);
        await runQuickTest({ url, connections: 8, durationMs: loadMs, signal });
        after = await stats(url);
      },
      cwd: root,
      capture,
    });
    const direct = (after.hotMs - before.hotMs) / (after.activeMs - before.activeMs);
    const first = result.findings.find((f) => f.location?.file);
    const named = `${first?.location?.file}:${first?.location?.line} (${first?.id})`;
    const share = first?.impact?.share ?? 0;
    console.log(
      `${app.padEnd(20)} ${String(line).padStart(13)}  ${named.padEnd(46)} ${(share * 100).toFixed(1).padStart(6)}%  ${(direct * 100).toFixed(1).padStart(5)}%  ${((share - direct) * 100).toFixed(1).padStart(5)}`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
