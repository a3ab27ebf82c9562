// Quick mode over TLS (HTTP/1.1) vs wrk -t1 and h2load --h1 -t1, one core each, on the same
// nginx `ssl` target (pinned to the other core), runs alternated, R repetitions, medians and
// per-repetition ratios, and each tool's CPU time per request on the generator core (less
// sensitive to a busy machine than req/s; Redline's start-up CPU subtracted). The cleartext nginx
// cell is measured in the same run for reference.
// Usage: node bench/tls-vs-peers.mjs [seconds] [reps] [connections]
// REDLINE_B=/path/to/other/bin/redline.js adds a second Redline build to the rotation (A/B).
// MARGINAL=N: Redline's CPU per request is marginal instead, (cpu(-n 2N) − cpu(-n N)) / N, so its
// start-up and JIT warm-up (a large share of a short run on a loaded machine) cancel out; wrk's
// and h2load's stay whole-run (C programs: start-up is a few ms). Per repetition, the ratio
// wrk CPU µs/req ÷ Redline CPU µs/req (Redline's requests per CPU-second relative to wrk's) is
// printed with a 95 % interval over the repetitions (bench/ratio-interval.mjs).
import { loadavg } from 'node:os';
import {
  freePort,
  GEN_CPU,
  k,
  median,
  need,
  runPinned,
  runRedlineJson,
  startNginx,
  TGT_CPU,
} from './lib.mjs';
import { formatInterval, ratioInterval } from './ratio-interval.mjs';

const seconds = Number(process.argv[2] ?? 5);
const reps = Number(process.argv[3] ?? 3);
const c = Number(process.argv[4] ?? 50);
const MARGINAL = Number(process.env.MARGINAL ?? 0);
need('wrk', 'apt-get install -y wrk');
need('h2load', 'apt-get install -y nghttp2-client');

// The CLI's start-up CPU (Node, module loading, worker start), measured with a 1-request run
// against the same target and subtracted from each run's CPU before dividing by its requests.
const startup = {};
async function redlineStartup(url, cli) {
  const key = cli ?? 'default';
  if (startup[key] === undefined) {
    const runs = [];
    for (let i = 0; i < 3; i++) {
      const { run } = await runRedlineJson([url, '-n', '1', '--insecure'], cli ? { cli } : {});
      runs.push(run.cpuSeconds);
    }
    startup[key] = median(runs);
  }
  return startup[key];
}
/** Marginal CPU µs per request of -n N and -n 2N runs (see MARGINAL above). */
async function redlineMarginal(url, cli) {
  const runs = [];
  for (const n of [MARGINAL, 2 * MARGINAL]) {
    const { result, run } = await runRedlineJson(
      [url, '-c', String(c), '-n', String(n), '--insecure'],
      cli ? { cli } : {},
    );
    runs.push({ result, run });
  }
  const [one, two] = runs;
  const count = (r) => r.result.metrics.http_reqs.values.count;
  const errors = runs.reduce(
    (a, r) => a + Object.values(r.result.errors).reduce((x, y) => x + y, 0),
    0,
  );
  return {
    rps: two.result.metrics.http_reqs.values.rate,
    cpu: two.run.cpuSeconds,
    usPerReq: ((two.run.cpuSeconds - one.run.cpuSeconds) / (count(two) - count(one))) * 1e6,
    errors,
  };
}
async function redline(url, cli) {
  if (MARGINAL > 0) return redlineMarginal(url, cli);
  const base = await redlineStartup(url, cli);
  const { result, run } = await runRedlineJson(
    [url, '-c', String(c), '-d', `${seconds}s`, '--insecure'],
    cli ? { cli } : {},
  );
  const errors = Object.values(result.errors).reduce((a, b) => a + b, 0);
  const count = result.metrics.http_reqs.values.count;
  return {
    rps: result.metrics.http_reqs.values.rate,
    cpu: run.cpuSeconds,
    usPerReq: ((run.cpuSeconds - base) / count) * 1e6,
    errors,
  };
}
async function wrk(url) {
  const r = await runPinned('wrk', ['-t1', `-c${c}`, `-d${seconds}s`, url]);
  const count = Number(/(\d+) requests in/.exec(r.stdout)?.[1]);
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(r.stdout)?.[1]),
    cpu: r.cpuSeconds,
    usPerReq: (r.cpuSeconds / count) * 1e6,
    errors: /Socket errors|Non-2xx/.test(r.stdout) ? 1 : 0,
  };
}
async function h2load(url) {
  // -D: duration; --h1: HTTP/1.1 (keep-alive, one request in flight per connection with -m1).
  const r = await runPinned('h2load', ['--h1', '-t1', `-c${c}`, '-m1', '-D', String(seconds), url]);
  const m = /finished in [\d.]+\w+, ([\d.]+) req\/s/.exec(r.stdout);
  const failed = Number(/(\d+) failed/.exec(r.stdout)?.[1] ?? 0);
  const done = Number(/(\d+) succeeded/.exec(r.stdout)?.[1]);
  return {
    rps: Number(m?.[1]),
    cpu: r.cpuSeconds,
    usPerReq: (r.cpuSeconds / done) * 1e6,
    errors: failed,
  };
}

const tls = await startNginx(await freePort(), { tls: true });
const plain = await startNginx(await freePort());
const tools = [
  ['redline', (u) => redline(u)],
  ...(process.env.REDLINE_B ? [['redline-B', (u) => redline(u, process.env.REDLINE_B)]] : []),
  ['wrk', wrk],
  ['h2load', h2load],
];
const cells = [
  { name: 'nginx TLS', url: tls.url, runs: {} },
  { name: 'nginx cleartext', url: plain.url, runs: {} },
];
const loads = [loadavg()[0]];
try {
  for (let rep = 0; rep < reps; rep++) {
    for (const cell of cells) {
      // Alternate the order each repetition so no tool always runs first.
      const order = rep % 2 === 0 ? tools : [...tools].reverse();
      for (const [name, fn] of order) {
        cell.runs[name] ??= [];
        cell.runs[name].push(await fn(cell.url));
        process.stderr.write('.');
      }
    }
    loads.push(loadavg()[0]);
  }
} finally {
  tls.stop();
  plain.stop();
}
process.stderr.write('\n');
console.log(
  `Generator on CPU ${GEN_CPU}, target on CPU ${TGT_CPU}; ${c} connections; ${reps} × ${seconds}s per tool and cell, alternated, medians. Load average (1 min) during the run: ${loads.map((l) => l.toFixed(1)).join(' → ')}.\n`,
);
const names = tools.map(([n]) => n);
console.log(
  `| target | ${names.map((n) => `${n} req/s`).join(' | ')} | redline/wrk | redline/h2load | redline/wrk per rep | ${names.map((n) => `${n} CPU µs/req`).join(' | ')} | errors |`,
);
console.log(
  `|---|${names.map(() => '---:').join('|')}|---:|---:|---|${names.map(() => '---:').join('|')}|---:|`,
);
for (const cell of cells) {
  const m = (tool, key) => median(cell.runs[tool].map((r) => r[key]));
  const perRep = cell.runs.redline
    .map((r, i) => (r.rps / cell.runs.wrk[i].rps).toFixed(2))
    .join(' ');
  const errors = names.reduce((a, n) => a + cell.runs[n].reduce((b, r) => b + r.errors, 0), 0);
  console.log(
    `| ${cell.name} | ${names.map((n) => k(m(n, 'rps'))).join(' | ')} | ${(m('redline', 'rps') / m('wrk', 'rps')).toFixed(2)} | ${(m('redline', 'rps') / m('h2load', 'rps')).toFixed(2)} | ${perRep} | ${names.map((n) => m(n, 'usPerReq').toFixed(1)).join(' | ')} | ${errors} |`,
  );
}
for (const cell of cells) {
  const ratios = cell.runs.redline.map((r, i) => cell.runs.wrk[i].usPerReq / r.usPerReq);
  console.log(
    `${cell.name}: CPU per request, wrk/redline per repetition ${ratios.map((r) => r.toFixed(2)).join(' ')}: ${formatInterval(ratioInterval(ratios))}; redline µs/req ${cell.runs.redline.map((r) => r.usPerReq.toFixed(1)).join(' ')}; wrk µs/req ${cell.runs.wrk.map((r) => r.usPerReq.toFixed(1)).join(' ')}`,
  );
}
console.log(
  `\nRedline start-up CPU subtracted (median of three 1-request runs): ${Object.entries(startup)
    .map(([key, v]) => `${key === 'default' ? 'redline' : 'redline-B'} ${v.toFixed(2)} s`)
    .join(', ')}.`,
);
