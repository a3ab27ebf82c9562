// What per-VU init costs by itself: loads the k6 flow script of bench/vus-10k-k6.mjs (run that
// once first, it writes the script) and runs its init code N times (one module instance per VU,
// as the shards do), then reports heap and RSS growth per instance after a full GC.
// Usage: node --expose-gc bench/micro/per-vu-init-heap.mjs [instances] [script]
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { WORK } from '../lib.mjs';

const n = Number(process.argv[2] ?? 10_000);
const script = process.argv[3] ?? join(WORK, 'flow-10k-k6.js');
if (!existsSync(script))
  throw new Error(`run node bench/vus-10k-k6.mjs first (it writes ${script})`);
const { loadScript, instantiateModule } = await import('../../dist/script/loader/index.js');
const { scriptModuleMap } = await import('../../dist/script/modules/module-map.js');
const { createThreadRuntime, installThreadRuntime } = await import(
  '../../dist/script/runtime/thread-runtime.js'
);
const { installScriptGlobals } = await import('../../dist/script/api/globals.js');
const { initVuContext } = await import('../../dist/script/runtime/vu-state.js');

const loaded = await loadScript(script, { modules: scriptModuleMap() });
installThreadRuntime(
  createThreadRuntime({
    scriptDir: WORK,
    resolvePath: loaded.resolvePath,
    env: { BASE: 'http://127.0.0.1:1' },
  }),
);
installScriptGlobals();
const bundle = await import(loaded.bundleUrl);
await instantiateModule(bundle); // the main instance (options), SharedArray built here
const gc = globalThis.gc ?? (() => {});
gc();
const before = process.memoryUsage();
const instances = [];
const started = performance.now();
for (let i = 1; i <= n; i++) {
  instances.push(
    await initVuContext.run({ id: i, idInInstance: i }, () => instantiateModule(bundle)),
  );
}
const ms = performance.now() - started;
gc();
const after = process.memoryUsage();
const kb = (bytes) => (bytes / 1024 / n).toFixed(2);
console.log('| instances | heap per VU | RSS per VU | init time per VU |');
console.log('|---:|---:|---:|---:|');
console.log(
  `| ${instances.length} | ${kb(after.heapUsed - before.heapUsed)} KB | ${kb(after.rss - before.rss)} KB | ${((ms * 1000) / n).toFixed(1)} µs |`,
);
await loaded.dispose();
