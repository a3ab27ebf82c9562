import { connectInspector, discoverDebuggerUrl } from '../dist/profiler/index.js';
import { startInspectedFixture } from './lib.mjs';

const PROBE = (process.argv[2] ?? 'probe') !== 'noprobe';
const TOTAL = Number(process.argv[3] ?? 2000);
const STEP = Number(process.argv[4] ?? 250);
const LEAK = process.argv[5] ?? '0';
// Another leak-free fixture and its request path (`{id}` replaced by a counter), e.g.
// FIXTURE=routes-express.mjs URL_PATH=/api/authors/author-{id}
const FIXTURE = process.env.FIXTURE ?? 'leak-koa.mjs';
const URL_PATH = process.env.URL_PATH ?? '/api/items/{id}';

const {
  child,
  appPort,
  inspectPort: port,
} = await startInspectedFixture(FIXTURE, {
  probe: PROBE,
  env: { LEAK_BYTES: LEAK },
});
let id = 0;
async function requests(n) {
  for (let i = 0; i < n; i++) {
    id++;
    const res = await fetch(`http://127.0.0.1:${appPort}${URL_PATH.replace('{id}', String(id))}`);
    await res.arrayBuffer();
  }
}
const client = await connectInspector(await discoverDebuggerUrl('127.0.0.1', port, 3000), 10_000);
await client.send('HeapProfiler.enable');
const READ = `(() => {
  const v8 = require('v8');
  const t0 = process.hrtime.bigint();
  const code = v8.getHeapCodeStatistics();
  const t1 = process.hrtime.bigint();
  const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((s) => [s.space_name, s.space_used_size]));
  const t2 = process.hrtime.bigint();
  const probe = globalThis[Symbol.for('redline.probe.footprint')]?.(false) ?? 0;
  return JSON.stringify({ code, spaces, probe, codeMs: Number(t1 - t0) / 1e6, spacesMs: Number(t2 - t1) / 1e6 });
})()`;
// REREAD_MS > 0: a second forced GC and reading that long after the first, printed beside it.
const REREAD_MS = Number(process.env.REREAD_MS ?? 0);
async function checkpoint() {
  await client.send('HeapProfiler.collectGarbage');
  const { usedSize } = await client.send('Runtime.getHeapUsage');
  if (REREAD_MS > 0) {
    const fp = async () =>
      (
        await client.send('Runtime.evaluate', {
          expression: `globalThis[Symbol.for('redline.probe.footprint')]?.(false) ?? 0`,
          returnByValue: true,
        })
      ).result.value;
    const p1 = await fp();
    await new Promise((r) => setTimeout(r, REREAD_MS));
    await client.send('HeapProfiler.collectGarbage');
    const again = await client.send('Runtime.getHeapUsage');
    const p2 = await fp();
    console.log(
      `reread ${id}: ${usedSize} then ${again.usedSize} (${again.usedSize - usedSize}); probe ${p1} then ${p2}`,
    );
  }
  const { result } = await client.send('Runtime.evaluate', {
    expression: READ,
    returnByValue: true,
    includeCommandLineAPI: true,
    silent: true,
  });
  const r = JSON.parse(result.value);
  return { requests: id, used: usedSize, ...r };
}
const rows = [await checkpoint()];
while (id < TOTAL) {
  await requests(Math.min(STEP, TOTAL - id));
  rows.push(await checkpoint());
}
child.kill('SIGTERM');
await client.close().catch(() => {});

const kb = (b) => (b / 1024).toFixed(0).padStart(6);
console.log(
  `${FIXTURE} ${PROBE ? 'probe' : 'noprobe'} LEAK_BYTES=${LEAK}: checkpoints (KiB) and growth per request of each window (B/req)`,
);
console.log(
  'req    used   code  bytec codesp  probe | app-probe  code bytec app-probe-code-bytec probe | codeMs spacesMs',
);
for (let i = 0; i < rows.length; i++) {
  const r = rows[i];
  const p = rows[i - 1];
  const per = (f) =>
    p ? ((f(r) - f(p)) / (r.requests - p.requests)).toFixed(0).padStart(6) : '     -';
  const app = (x) => x.used - x.probe;
  const rest = (x) => app(x) - x.code.code_and_metadata_size - x.code.bytecode_and_metadata_size;
  console.log(
    `${String(r.requests).padStart(5)} ${kb(r.used)} ${kb(r.code.code_and_metadata_size)} ${kb(r.code.bytecode_and_metadata_size)} ${kb(r.spaces.code_space ?? 0)} ${kb(r.probe)} | ${per(app)} ${per((x) => x.code.code_and_metadata_size)} ${per((x) => x.code.bytecode_and_metadata_size)} ${per(rest)} ${per((x) => x.probe)} | ${r.codeMs.toFixed(2)} ${r.spacesMs.toFixed(3)}`,
  );
}
console.log(
  `JSON ${JSON.stringify(rows.map((r) => ({ requests: r.requests, used: r.used, probe: r.probe, code: r.code.code_and_metadata_size, bytecode: r.code.bytecode_and_metadata_size, codeSpace: r.spaces.code_space, codeMs: r.codeMs })))}`,
);
