// Why Redline has its own HTTP/1.1 client: the same closed loop (50 keep-alive connections, GET,
// body discarded, one latency sample per request, pipelining 1) against the same nginx, driven by
// Redline's quick-mode engine and by undici 7 (the newest undici that runs on Node 20) in its
// two idiomatic forms: `pool.request()` + `body.dump()` (undici's documented way to discard a
// body) and `pool.dispatch()` with handler callbacks (no promise per request, the API undici
// itself builds request() on). Every client runs in its own Node process pinned to the
// generator core, nginx on the other; rates are completed responses over the measured window
// (undici: its own wall clock from the first request to the last response; Redline: its
// http_reqs rate), plus the generator's CPU time per response (user + system of the whole
// process, start-up included, over the responses it got: less sensitive to other load on the
// machine than the rate). The order of the clients rotates each repetition so a drift in machine
// load does not favour one. Usage: node bench/client-vs-undici.mjs [seconds] [reps]
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
const reps = Number(process.argv[3] ?? 5);
const CONNECTIONS = 50;
const peers = await ensurePeers();
const undici = join(peers, 'node_modules/undici/index.js');

// Shared by both undici loops: the pool, the latency ring, the measured window and the output.
const prelude = `import { Pool } from '${undici}';
const [url, conns, secs] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const pool = new Pool(url, { connections: conns, pipelining: 1 });
const MASK = (1 << 22) - 1;
const latencies = new Float64Array(MASK + 1);
let n = 0;
let errors = 0;
const start = performance.now();
const end = start + secs * 1000;
const report = async () => {
  const elapsed = (performance.now() - start) / 1000;
  await pool.close();
  console.log(JSON.stringify({ rps: n / elapsed, requests: n, errors }));
};
`;

const loops = {
  'undici 7 Pool.request + body.dump()': `${prelude}
async function loop() {
  while (performance.now() < end) {
    const t = performance.now();
    try {
      const { body } = await pool.request({ path: '/', method: 'GET' });
      await body.dump();
      latencies[n++ & MASK] = performance.now() - t;
    } catch {
      errors++;
    }
  }
}
await Promise.all(Array.from({ length: conns }, loop));
await report();
`,
  'undici 7 Pool.dispatch (handler callbacks)': `${prelude}
let running = conns;
let finished;
const allDone = new Promise((resolve) => { finished = resolve; });
function next() {
  if (performance.now() < end) send();
  else if (--running === 0) finished();
}
function send() {
  const t = performance.now();
  pool.dispatch({ path: '/', method: 'GET' }, {
    onRequestStart() {},
    onResponseStart() {},
    onResponseData() {},
    onResponseEnd() {
      latencies[n++ & MASK] = performance.now() - t;
      next();
    },
    onResponseError() {
      errors++;
      next();
    },
  });
}
for (let i = 0; i < conns; i++) send();
await allDone;
await report();
`,
};

const scripts = Object.fromEntries(
  Object.entries(loops).map(([name, code], i) => {
    const file = join(WORK, `undici-loop-${i}.mjs`);
    writeFileSync(file, code);
    return [name, file];
  }),
);

const REDLINE = "Redline's client (quick mode: parse + timing trail + 8 HDR trends)";
const clients = [REDLINE, ...Object.keys(scripts)];
const rates = Object.fromEntries(clients.map((c) => [c, []]));
const cpuPerRequest = Object.fromEntries(clients.map((c) => [c, []]));

/** Runs one client once; returns its rate and its CPU µs per response. */
async function measure(client, url) {
  if (client === REDLINE) {
    const { result, run } = await runRedlineJson([
      url,
      '-c',
      String(CONNECTIONS),
      '-d',
      `${seconds}s`,
    ]);
    const reqs = result.metrics.http_reqs.values;
    return { rps: reqs.rate, cpuUs: (run.cpuSeconds * 1e6) / reqs.count };
  }
  const run = await runPinned(process.execPath, [
    scripts[client],
    url,
    String(CONNECTIONS),
    String(seconds),
  ]);
  const out = JSON.parse(run.stdout);
  if (out.errors > 0) console.error(`${client}: ${out.errors} errors`);
  return { rps: out.rps, cpuUs: (run.cpuSeconds * 1e6) / out.requests };
}

const nginx = await startNginx(await freePort());
try {
  for (let rep = 0; rep < reps; rep++) {
    const order = clients.map((_, i) => clients[(i + rep) % clients.length]);
    for (const client of order) {
      const { rps, cpuUs } = await measure(client, nginx.url);
      rates[client].push(rps);
      cpuPerRequest[client].push(cpuUs);
    }
  }
} finally {
  nginx.stop();
}

const ours = median(rates[REDLINE]);
const oursCpu = median(cpuPerRequest[REDLINE]);
const us = (x) => x.toFixed(1);
console.log(
  `| client | req/s (median of ${reps}) | runs | Redline / client | CPU µs per response (median) | runs |`,
);
console.log('|---|---:|---|---:|---:|---|');
for (const client of clients) {
  const m = median(rates[client]);
  const ratio = client === REDLINE ? '1.00' : (ours / m).toFixed(2);
  const cpu = median(cpuPerRequest[client]);
  console.log(
    `| ${client} | ${k(m)} | ${rates[client].map(k).join(', ')} | ${ratio} | ${us(cpu)} | ${cpuPerRequest[client].map(us).join(', ')} |`,
  );
}
for (const client of Object.keys(scripts))
  console.log(
    `\nCPU per response, ${client} / Redline: ${(median(cpuPerRequest[client]) / oursCpu).toFixed(2)}`,
  );
// Paired ratios: each repetition ran every client back to back, so its ratio shares the load.
for (const client of Object.keys(scripts)) {
  const paired = rates[REDLINE].map((r, i) => r / rates[client][i]);
  console.log(
    `\nRedline / ${client}, per repetition: ${paired.map((x) => x.toFixed(2)).join(', ')} (median ${median(paired).toFixed(2)})`,
  );
}
