// Why Redline has its own HTTP/1.1 client: the same closed loop (50 connections, keep-alive,
// GET, body read and discarded, one latency sample per request) driven by undici's Pool vs
// Redline's quick-mode engine, each pinned to the generator core against nginx on the other.
// Usage: node bench/client-vs-undici.mjs [seconds] [reps]
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ensurePeers,
  freePort,
  k,
  median,
  runPinned,
  runRedlineJson,
  startNginx,
  WORK,
} from './lib.mjs';

const seconds = Number(process.argv[2] ?? 5);
const reps = Number(process.argv[3] ?? 3);
const peers = await ensurePeers();
const undiciLoop = join(WORK, 'undici-loop.mjs');
writeFileSync(
  undiciLoop,
  `import { Pool } from '${join(peers, 'node_modules/undici/index.js')}';
const [url, conns, secs] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const pool = new Pool(url, { connections: conns, pipelining: 1 });
const latencies = new Float64Array(1 << 22);
let n = 0;
const end = performance.now() + secs * 1000;
async function loop() {
  while (performance.now() < end) {
    const t = performance.now();
    const { body } = await pool.request({ path: '/', method: 'GET' });
    for await (const _ of body) {}
    latencies[n++ & ((1 << 22) - 1)] = performance.now() - t;
  }
}
await Promise.all(Array.from({ length: conns }, loop));
await pool.close();
console.log(JSON.stringify({ rps: n / secs }));
`,
);
const nginx = await startNginx(await freePort());
const ours = [];
const theirs = [];
try {
  for (let i = 0; i < reps; i++) {
    const { result } = await runRedlineJson([nginx.url, '-c', '50', '-d', `${seconds}s`]);
    ours.push(result.metrics.http_reqs.values.rate);
    const r = await runPinned(process.execPath, [undiciLoop, nginx.url, '50', String(seconds)]);
    theirs.push(JSON.parse(r.stdout).rps);
  }
} finally {
  nginx.stop();
}
console.log('| client | req/s (median) | runs |');
console.log('|---|---:|---|');
console.log(
  `| Redline's client (quick mode: parse + timing trail + 8 HDR trends) | ${k(median(ours))} | ${ours.map(k).join(', ')} |`,
);
console.log(
  `| undici 7 Pool (request + body drain + one timestamp pair) | ${k(median(theirs))} | ${theirs.map(k).join(', ')} |`,
);
console.log(`\nRedline / undici = ${(median(ours) / median(theirs)).toFixed(2)}`);
