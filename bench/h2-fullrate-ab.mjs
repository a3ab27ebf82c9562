/**
 * HTTP/2 at full rate, count-bound: CPU per request of `redline run --h2c/--http2` (two builds,
 * A and B) and of h2load on the same node:http2 server (h2c and TLS), interleaved. Issue 16's goal
 * is ≥ 0.8× h2load's requests per CPU-second (per core).
 *
 * CPU µs per request of Redline = (user+sys of a `-n N` run − user+sys of a `-n n0` run) /
 * (N − n0), so Node's start-up, the preflight and the final result cancel out; h2load's start-up
 * is negligible, so its figure is user+sys / N. CPU from /usr/bin/time (the kernel's counters,
 * 10 ms resolution: ±0.07 µs per request at N − n0 = 145,000). Each generator is pinned to the
 * generator core, the server to the target core. Per round the order rotates (A B h2load, B
 * h2load A, …); the per-core ratio B/h2load (= h2load µs / B µs) and A/h2load are the geometric
 * means of the per-round ratios with a 95 % Student-t interval (bench/ratio-interval.mjs).
 *
 *   REDLINE_A=/path/to/other/bin/redline.js node bench/h2-fullrate-ab.mjs [rounds=5] [N=150000]
 *     [connections=10] [streams=10] [targets=h2c,tls] [n0=5000]
 *
 * B is this checkout's bin/redline.js (run `npm run build` first) unless REDLINE_B names another;
 * without REDLINE_A only B and h2load run.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeSelfSignedCertificate } from './certificate.mjs';
import {
  freePort,
  median,
  need,
  REDLINE,
  redlineH2Args,
  runPinned,
  runRedlineJson,
  startNodeH2,
  WORK,
} from './lib.mjs';
import { loadText, ratioInterval } from './ratio-interval.mjs';

const args = process.argv.slice(2);
const rounds = Number(args[0] ?? 5);
const N = Number(args[1] ?? 150_000);
const connections = Number(args[2] ?? 10);
const streams = Number(args[3] ?? 10);
const kinds = (args[4] ?? 'h2c,tls').split(',');
const n0 = Number(args[5] ?? 5000);
const builds = {
  B: process.env.REDLINE_B ?? REDLINE,
  ...(process.env.REDLINE_A ? { A: process.env.REDLINE_A } : {}),
};

function certificate() {
  const dir = join(WORK, 'h2-fullrate');
  mkdirSync(dir, { recursive: true });
  const { certPath, keyPath } = writeSelfSignedCertificate(dir, { ec: true });
  return { key: keyPath, cert: certPath };
}

async function redlineCpu(cli, url, count) {
  const { result, run } = await runRedlineJson(
    redlineH2Args(url, connections, streams, ['-n', String(count)]),
    { cli },
  );
  const m = result.metrics;
  const answered = m.http_reqs.values.count - (m.http_req_failed?.values.passes ?? 0);
  if (answered !== count) throw new Error(`${cli}: ${answered} of ${count} answered`);
  return run.cpuSeconds;
}

async function h2loadUs(url) {
  const r = await runPinned('h2load', [
    '-c',
    String(connections),
    '-m',
    String(streams),
    '-n',
    String(N),
    '-t',
    '1',
    url,
  ]);
  const done = Number(/requests: \d+ total, \d+ started, (\d+) done/.exec(r.stdout)?.[1]);
  const ok = Number(/(\d+) succeeded/.exec(r.stdout)?.[1]);
  if (ok !== N) throw new Error(`h2load: ${ok} of ${N} succeeded (${done} done)`);
  return (r.cpuSeconds * 1e6) / N;
}

need('h2load', 'apt-get install -y nghttp2-client');
console.log(
  `HTTP/2 full rate, -c ${connections} × ${streams} streams, ${N} − ${n0} requests, ${rounds} rounds; ${loadText()}`,
);
console.log(`builds: ${JSON.stringify(builds)}`);
const tools = [...Object.keys(builds), 'h2load'];
for (const kind of kinds) {
  const target = await startNodeH2(await freePort(), kind === 'tls' ? certificate() : null);
  const us = Object.fromEntries(tools.map((t) => [t, []]));
  try {
    for (let i = 0; i < rounds; i++) {
      const order = tools.map((_, j) => tools[(i + j) % tools.length]);
      for (const tool of order) {
        if (tool === 'h2load') {
          us.h2load.push(await h2loadUs(target.url));
          continue;
        }
        const full = await redlineCpu(builds[tool], target.url, N);
        const base = await redlineCpu(builds[tool], target.url, n0);
        us[tool].push(((full - base) * 1e6) / (N - n0));
      }
      console.log(
        `  node:http2 ${kind} round ${i + 1}: ${tools.map((t) => `${t} ${us[t].at(-1).toFixed(2)}`).join(', ')} µs/req; ${loadText()}`,
      );
    }
  } finally {
    target.stop();
  }
  const line = [`node:http2 ${kind}: median µs/req`];
  for (const t of tools)
    line.push(`${t} ${median(us[t]).toFixed(2)} [${us[t].map((v) => v.toFixed(2)).join(' ')}]`);
  console.log(line.join('; '));
  for (const b of Object.keys(builds)) {
    const r = ratioInterval(us[b].map((v, i) => us.h2load[i] / v));
    console.log(
      `  ${b}/h2load per core: ${r.mean.toFixed(3)} (95 % CI ${r.low.toFixed(3)}–${r.high.toFixed(3)}, n ${r.n})`,
    );
  }
  if (builds.A) {
    const r = ratioInterval(us.A.map((v, i) => v / us.B[i]));
    console.log(
      `  A/B CPU per request: ×${r.mean.toFixed(3)} (95 % CI ${r.low.toFixed(3)}–${r.high.toFixed(3)})`,
    );
  }
}
