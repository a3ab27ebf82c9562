// Quick mode vs wrk -t1 and autocannon, one core each: targets nginx and a Node hello server
// (pinned to the other core), 1 / 50 / 500 connections, R repetitions interleaved, medians and
// ratios printed as a Markdown table. Usage: node bench/quick-vs-peers.mjs [seconds] [reps]

import {
  ensureAutocannon,
  freePort,
  GEN_CPU,
  k,
  median,
  need,
  runPinned,
  runRedlineJson,
  startNginx,
  startNodeHello,
  TGT_CPU,
} from './lib.mjs';

const seconds = Number(process.argv[2] ?? 5);
const reps = Number(process.argv[3] ?? 3);
const connections = (process.env.CONNS ?? '1,50,500').split(',').map(Number);
need('wrk', 'apt-get install -y wrk');
const autocannon = await ensureAutocannon();

async function redline(url, c, extra = []) {
  const { result, run: r } = await runRedlineJson([
    url,
    '-c',
    String(c),
    '-d',
    `${seconds}s`,
    ...extra,
  ]);
  return {
    rps: result.metrics.http_reqs.values.rate,
    p99: result.metrics.http_req_duration.values['p(99)'],
    cpu: r.cpuSeconds,
    errors: Object.values(result.errors).reduce((a, b) => a + b, 0),
  };
}
async function wrk(url, c) {
  const r = await runPinned('wrk', ['-t1', `-c${c}`, `-d${seconds}s`, '--latency', url]);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(r.stdout)?.[1]);
  const p99 = /99%\s+([\d.]+)(us|ms|s)/.exec(r.stdout);
  const p99ms = p99
    ? Number(p99[1]) * (p99[2] === 'us' ? 0.001 : p99[2] === 's' ? 1000 : 1)
    : Number.NaN;
  return { rps, p99: p99ms, cpu: r.cpuSeconds, errors: /Socket errors/.test(r.stdout) ? 1 : 0 };
}
async function ac(url, c, extra = []) {
  const r = await runPinned(process.execPath, [
    autocannon,
    '-j',
    '-c',
    String(c),
    '-d',
    String(seconds),
    ...extra,
    url,
  ]);
  const j = JSON.parse(r.stdout);
  return {
    rps: j.requests.total / j.duration,
    p99: j.latency.p99,
    cpu: r.cpuSeconds,
    errors: j.errors + j.non2xx,
  };
}

const targets = [
  ['nginx', await startNginx(await freePort())],
  ['node', await startNodeHello(await freePort())],
];
const cells = [];
for (const [name] of targets)
  for (const c of connections)
    cells.push({ name, c, runs: { redline: [], wrk: [], autocannon: [] } });
cells.push({ name: 'nginx', c: 50, p: 10, runs: { redline: [], wrk: [], autocannon: [] } });
try {
  for (let rep = 0; rep < reps; rep++) {
    for (const cell of cells) {
      const url = targets.find(([n]) => n === cell.name)[1].url;
      const pipe = cell.p ? ['-p', String(cell.p)] : [];
      cell.runs.redline.push(await redline(url, cell.c, pipe));
      if (!cell.p) cell.runs.wrk.push(await wrk(url, cell.c));
      cell.runs.autocannon.push(await ac(url, cell.c, pipe));
      process.stderr.write('.');
    }
  }
} finally {
  for (const [, t] of targets) t.stop();
}
process.stderr.write('\n');
console.log(
  `Generator on CPU ${GEN_CPU}, target on CPU ${TGT_CPU}; ${reps} × ${seconds}s per cell, medians.\n`,
);
console.log(
  '| target | conns | redline req/s | wrk -t1 req/s | autocannon req/s | redline/wrk | redline/autocannon | redline p99 ms | redline CPU-s | wrk CPU-s | autocannon CPU-s |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const cell of cells) {
  const m = (tool, key) => median(cell.runs[tool].map((r) => r[key]));
  const rl = m('redline', 'rps');
  const w = m('wrk', 'rps');
  const a = m('autocannon', 'rps');
  const label = cell.p ? `${cell.c} (-p ${cell.p})` : String(cell.c);
  console.log(
    `| ${cell.name} | ${label} | ${k(rl)} | ${k(w)} | ${k(a)} | ${Number.isFinite(w) ? (rl / w).toFixed(2) : 'n/a'} | ${(rl / a).toFixed(2)} | ${m('redline', 'p99').toFixed(2)} | ${m('redline', 'cpu').toFixed(2)} | ${Number.isFinite(w) ? m('wrk', 'cpu').toFixed(2) : 'n/a'} | ${m('autocannon', 'cpu').toFixed(2)} |`,
  );
}
