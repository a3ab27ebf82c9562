/**
 * HTTP/2: `redline run --http2` against h2load (nghttp2-client), the reference HTTP/2 load tool,
 * on the same targets in one run: nginx with `http2` on TLS and a node:http2 TLS server, both
 * pinned to the target core; each generator pinned to the generator core. Prints req/s, CPU
 * seconds, req/s per core (requests / CPU seconds of the generator) and the ratios Redline/h2load.
 *
 *   node bench/http2.mjs [seconds=5] [rounds=3] [connections=10] [streams=10]
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
  runPinned,
  runRedlineJson,
  TGT_CPU,
  WORK,
  waitForPort,
} from './lib.mjs';

const [seconds = 5, rounds = 3, connections = 10, streams = 10] = process.argv.slice(2).map(Number);

function certificate() {
  const dir = join(WORK, 'h2-cert');
  mkdirSync(dir, { recursive: true });
  const { certPath, keyPath } = writeSelfSignedCertificate(dir, { ec: true });
  return { key: keyPath, cert: certPath };
}

async function startNginxH2(port, tls) {
  need('nginx', 'apt-get install -y nginx');
  const dir = join(WORK, `nginx-h2-${port}`);
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
    listen 127.0.0.1:${port} ssl http2;
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
    name: 'nginx (TLS, http2)',
    url: `https://127.0.0.1:${port}/`,
    stop: () => child.kill(),
  };
}

async function startNodeH2(port, tls) {
  const script = join(WORK, 'h2-hello-server.cjs');
  writeFileSync(
    script,
    `const fs = require('fs');
const s = require('http2').createSecureServer({ key: fs.readFileSync(${JSON.stringify(tls.key)}), cert: fs.readFileSync(${JSON.stringify(tls.cert)}) });
s.on('stream', (st) => { st.on('error', () => {}); st.respond({ ':status': 200, 'content-type': 'text/plain' }); st.end('hello'); });
s.listen(${port}, '127.0.0.1');
`,
  );
  const child = spawn('taskset', ['-c', TGT_CPU, process.execPath, script], { stdio: 'ignore' });
  await waitForPort(port);
  return { name: 'node:http2 (TLS)', url: `https://127.0.0.1:${port}/`, stop: () => child.kill() };
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

async function redline(url) {
  const { result, run } = await runRedlineJson([
    url,
    '--http2',
    '--insecure',
    '-c',
    String(connections),
    '--streams',
    String(streams),
    '-d',
    `${seconds}s`,
    '--warmup',
    '0',
  ]);
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
  await startNodeH2(await freePort(), tls),
];
const load = [];
console.log(
  `HTTP/2 over TLS, -c ${connections} × ${streams} streams, ${seconds} s × ${rounds} rounds (order alternates)`,
);
console.log(
  '| target | h2load req/s | redline req/s | req/s ratio | h2load req/s per core | redline req/s per core | per-core ratio | runs (h2load / redline) |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|---|');
try {
  for (const target of targets) {
    const runs = { h2load: [], redline: [] };
    for (let i = 0; i < rounds; i++) {
      load.push(loadavg()[0]);
      const order = i % 2 === 0 ? ['h2load', 'redline'] : ['redline', 'h2load'];
      for (const tool of order)
        runs[tool].push(tool === 'h2load' ? await h2load(target.url) : await redline(target.url));
    }
    const m = (tool, f) => median(runs[tool].map(f));
    const rps = (tool) => m(tool, (r) => r.rps);
    const perCore = (tool) => m(tool, (r) => r.requests / r.cpu);
    const list = (tool) => runs[tool].map((r) => k(r.rps)).join(', ');
    const failed = [...runs.h2load, ...runs.redline].some((r) => r.failed > 0)
      ? ' (failures!)'
      : '';
    console.log(
      `| ${target.name}${failed} | ${k(rps('h2load'))} | ${k(rps('redline'))} | ${(rps('redline') / rps('h2load')).toFixed(2)} | ${k(perCore('h2load'))} | ${k(perCore('redline'))} | ${(perCore('redline') / perCore('h2load')).toFixed(2)} | ${list('h2load')} / ${list('redline')} |`,
    );
  }
} finally {
  for (const t of targets) t.stop();
}
console.log(
  `load average (1 min) during the runs: ${Math.min(...load).toFixed(1)}-${Math.max(...load).toFixed(1)} on ${readFileSync('/proc/cpuinfo', 'utf8').match(/^processor/gm).length} cores`,
);
