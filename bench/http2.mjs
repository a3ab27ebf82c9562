/**
 * HTTP/2: `redline run --http2` / `--h2c` against h2load (nghttp2-client), the reference HTTP/2
 * load tool, on the same targets in one run: nginx with `http2` (TLS and cleartext h2c) and a
 * node:http2 server (TLS and h2c), each pinned to the target core; each generator pinned to the
 * generator core. Redline runs twice per round: its lean HTTP/2 client (the default,
 * src/http/h2-fast-connection.ts) and node:http2 (`REDLINE_H2_IMPL=node`).
 *
 * Measures: req/s, and requests per CPU-second of the generator process (user+sys of the
 * process from /usr/bin/time, i.e. /proc/<pid>/stat at exit). Redline's CPU includes Node's
 * start-up and the ALPN/h2c preflight, so each round also runs it for `-n 100` and the
 * "net" per-core figure is (requests − 100) / (CPU − CPU of the 100-request run); h2load's
 * start-up is negligible and its raw figure is used.
 *
 *   node bench/http2.mjs [seconds=5] [rounds=3] [connections=10] [streams=10]
 *
 * Per target: medians over rounds; CPU µs per request (1e6 / requests per CPU-second); and the
 * per-core ratio redline/h2load as the geometric mean of the per-round ratios (each round's
 * tools run back to back) with a 95 % Student-t interval (bench/ratio-interval.mjs).
 *
 * Goal (issue 16): ≥ 0.8× h2load req/s per core.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { writeSelfSignedCertificate } from './certificate.mjs';
import {
  freePort,
  k,
  median,
  need,
  redlineH2Args,
  runPinned,
  runRedlineJson,
  startNodeH2,
  TGT_CPU,
  WORK,
  waitForPort,
} from './lib.mjs';
import { ratioInterval } from './ratio-interval.mjs';

const [seconds = 5, rounds = 3, connections = 10, streams = 10] = process.argv.slice(2).map(Number);

function certificate() {
  const dir = join(WORK, 'h2-cert');
  mkdirSync(dir, { recursive: true });
  const { certPath, keyPath } = writeSelfSignedCertificate(dir, { ec: true });
  return { key: keyPath, cert: certPath };
}

async function startNginxH2(port, tls, cleartext = false) {
  need('nginx', 'apt-get install -y nginx');
  const dir = join(WORK, `nginx-h2-${port}`);
  const listen = cleartext
    ? `listen 127.0.0.1:${port} http2;`
    : `listen 127.0.0.1:${port} ssl http2;`;
  mkdirSync(dir, { recursive: true });
  const conf = join(dir, 'nginx.conf');
  // nginx 1.22 (Debian 12) spells it `listen … ssl http2`; 1.25+ also accepts `http2 on;`.
  writeFileSync(
    conf,
    `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  http2_max_requests 1000000;
  client_body_temp_path ${dir}/cb; proxy_temp_path ${dir}/px; fastcgi_temp_path ${dir}/fc; uwsgi_temp_path ${dir}/uw; scgi_temp_path ${dir}/sc;
  server {
    ${listen}
    ssl_certificate ${tls.cert};
    ssl_certificate_key ${tls.key};
    location / { default_type text/plain; return 200 "hello\\n"; }
  }
}
`,
  );
  const child = spawn('taskset', ['-c', TGT_CPU, 'nginx', '-p', dir, '-c', conf], {
    stdio: 'ignore',
  });
  await waitForPort(port);
  return {
    name: cleartext ? 'nginx (h2c)' : 'nginx (TLS, http2)',
    url: `${cleartext ? 'http' : 'https'}://127.0.0.1:${port}/`,
    stop: () => child.kill(),
  };
}

async function h2load(url) {
  const r = await runPinned('h2load', [
    '-c',
    String(connections),
    '-m',
    String(streams),
    '-D',
    String(seconds),
    '-t',
    '1',
    url,
  ]);
  const rps = Number(/finished in [\d.]+s, ([\d.]+) req\/s/.exec(r.stdout)?.[1]);
  const done = Number(/requests: \d+ total, \d+ started, (\d+) done/.exec(r.stdout)?.[1]);
  const failed = Number(/(\d+) failed/.exec(r.stdout)?.[1] ?? 0);
  return { rps, requests: done, cpu: r.cpuSeconds, failed };
}

async function redline(url, impl, count) {
  const { result, run } = await runRedlineJson(
    redlineH2Args(url, connections, streams, count ? ['-n', String(count)] : ['-d', `${seconds}s`]),
    { env: { REDLINE_H2_IMPL: impl } },
  );
  const reqs = result.metrics.http_reqs.values;
  return {
    rps: reqs.rate,
    requests: reqs.count,
    cpu: run.cpuSeconds,
    failed: result.metrics.http_req_failed?.values.passes ?? 0,
  };
}

need('h2load', 'apt-get install -y nghttp2-client');
const tls = certificate();
const targets = [
  await startNginxH2(await freePort(), tls),
  await startNginxH2(await freePort(), tls, true),
  await startNodeH2(await freePort(), tls),
  await startNodeH2(await freePort()),
];
const TOOLS = ['h2load', 'fast', 'node'];
const perRound = {};
const load = [];
console.log(
  `HTTP/2, -c ${connections} × ${streams} streams, ${seconds} s × ${rounds} rounds (order rotates); redline = lean client, redline-node = REDLINE_H2_IMPL=node`,
);
console.log(
  '| target | h2load req/s | redline req/s | redline-node req/s | h2load CPU µs/req | redline CPU µs/req (net) | redline-node CPU µs/req (net) | redline/h2load per core (95 % CI) | redline-node/h2load per core | redline/h2load req/s |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
try {
  for (const target of targets) {
    const runs = { h2load: [], fast: [], node: [] };
    for (let i = 0; i < rounds; i++) {
      load.push(loadavg()[0]);
      const order = TOOLS.map((_, j) => TOOLS[(i + j) % TOOLS.length]);
      for (const tool of order) {
        if (tool === 'h2load') {
          runs.h2load.push({ ...(await h2load(target.url)), net: 0 });
          continue;
        }
        const full = await redline(target.url, tool);
        const base = await redline(target.url, tool, 100);
        full.net = (full.requests - base.requests) / (full.cpu - base.cpu);
        runs[tool].push(full);
      }
    }
    const m = (tool, f) => median(runs[tool].map(f));
    const rps = (tool) => m(tool, (r) => r.rps);
    const perCore = (tool) => m(tool, (r) => (tool === 'h2load' ? r.requests / r.cpu : r.net));
    const us = (tool) => (1e6 / perCore(tool)).toFixed(1);
    const paired = ratioInterval(
      runs.fast.map((r, i) => r.net / (runs.h2load[i].requests / runs.h2load[i].cpu)),
    );
    perRound[target.name] = runs.fast.map((r, i) =>
      Number((r.net / (runs.h2load[i].requests / runs.h2load[i].cpu)).toFixed(3)),
    );
    const ci = `${paired.mean.toFixed(2)} (${paired.low.toFixed(2)}–${paired.high.toFixed(2)})`;
    const failed = Object.values(runs)
      .flat()
      .some((r) => r.failed > 0)
      ? ' (failures!)'
      : '';
    console.log(
      `| ${target.name}${failed} | ${k(rps('h2load'))} | ${k(rps('fast'))} | ${k(rps('node'))} | ${us('h2load')} | ${us('fast')} | ${us('node')} | ${ci} | ${(perCore('node') / perCore('h2load')).toFixed(2)} | ${(rps('fast') / rps('h2load')).toFixed(2)} |`,
    );
  }
} finally {
  for (const t of targets) t.stop();
}
console.log(`per-round per-core ratios redline/h2load: ${JSON.stringify(perRound)}`);
console.log(
  `load average (1 min) during the runs: ${Math.min(...load).toFixed(1)}-${Math.max(...load).toFixed(1)} on ${readFileSync('/proc/cpuinfo', 'utf8').match(/^processor/gm).length} cores`,
);
