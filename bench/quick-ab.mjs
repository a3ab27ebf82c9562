// A/B of quick mode against wrk in one run: the current build (this checkout) and another build
// (BEFORE=/path/to/bin/redline.js, e.g. a copy of dist/ made before a change), interleaved, the
// order rotated every repetition, against nginx pinned to the other core. Prints every run's
// req/s (the spread), the medians, and CPU µs per request of the generator process (user + sys,
// start-up included: steadier than req/s when other processes share the machine).
// Usage: BEFORE=/tmp/rl-before/bin/redline.js node bench/quick-ab.mjs [seconds] [reps]
// COUNT=1 runs Redline count-bound instead (`-n`: 30k requests at c1, 300k otherwise), so both
// builds do the same work and CPU µs/request compares like for like on a busy machine.
import { existsSync } from 'node:fs';
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

const seconds = Number(process.argv[2] ?? 5);
const reps = Number(process.argv[3] ?? 5);
const before = process.env.BEFORE;
if (!before || !existsSync(before)) {
  console.error('set BEFORE to the bin/redline.js of the build to compare against');
  process.exit(2);
}
need('wrk', 'apt-get install -y wrk');

const countBound = process.env.COUNT === '1';
const cells = [
  { c: 1, extra: [], n: 30_000 },
  { c: 50, extra: [], n: 300_000 },
  { c: 50, extra: ['-p', '10'], n: 300_000 },
];
const NONE = { rps: Number.NaN, cpuUs: Number.NaN };
const tools = {
  before: (url, cell) => redline(before, url, cell),
  after: (url, cell) => redline(undefined, url, cell),
  wrk: (url, cell) => (cell.extra.length > 0 ? NONE : wrk(url, cell.c)),
};

async function redline(cli, url, cell) {
  const { result, run } = await runRedlineJson(
    [
      url,
      '-c',
      String(cell.c),
      ...(countBound ? ['-n', String(cell.n)] : ['-d', `${seconds}s`]),
    ].concat(cell.extra),
    cli ? { cli } : {},
  );
  const errors = Object.values(result.errors).reduce((a, b) => a + b, 0);
  if (errors > 0) console.error(`\n${cli ?? 'after'}: ${errors} errors`, result.errors);
  const count = result.metrics.http_reqs.values.count;
  return { rps: result.metrics.http_reqs.values.rate, cpuUs: (run.cpuSeconds / count) * 1e6 };
}
async function wrk(url, c) {
  const r = await runPinned('wrk', ['-t1', `-c${c}`, `-d${seconds}s`, url]);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(r.stdout)?.[1]);
  const count = Number(/(\d+) requests in/.exec(r.stdout)?.[1]);
  return { rps, cpuUs: (r.cpuSeconds / count) * 1e6 };
}

const nginx = await startNginx(await freePort());
const runs = cells.map(() => ({ before: [], after: [], wrk: [] }));
try {
  const order = Object.keys(tools);
  for (let rep = 0; rep < reps; rep++) {
    for (const [i, cell] of cells.entries()) {
      for (let j = 0; j < order.length; j++) {
        const tool = order[(j + rep) % order.length];
        runs[i][tool].push(await tools[tool](nginx.url, cell));
      }
      process.stderr.write('.');
    }
  }
} finally {
  nginx.stop();
}
process.stderr.write('\n');
console.log(
  `Generator on CPU ${GEN_CPU}, nginx on CPU ${TGT_CPU}; ${reps} runs per tool and cell (${countBound ? 'Redline count-bound, wrk ' : ''}${seconds}s), interleaved; medians, every run listed.\n`,
);
console.log(
  '| conns | before req/s | after req/s | wrk -t1 req/s | after/before | before/wrk | after/wrk | CPU µs/req before / after / wrk | before runs | after runs | wrk runs |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---|---|---|');
for (const [i, cell] of cells.entries()) {
  const r = runs[i];
  const med = (tool, key) => median(r[tool].map((x) => x[key]));
  const [b, a, w] = [med('before', 'rps'), med('after', 'rps'), med('wrk', 'rps')];
  const fixed = (x) => (Number.isFinite(x) ? x.toFixed(1) : 'n/a');
  const cpu = ['before', 'after', 'wrk'].map((t) => fixed(med(t, 'cpuUs'))).join(' / ');
  const list = (tool) =>
    Number.isFinite(med(tool, 'rps')) ? r[tool].map((x) => k(x.rps)).join(', ') : 'n/a';
  const ratio = (x, y) => (Number.isFinite(x / y) ? (x / y).toFixed(2) : 'n/a');
  const label = `${cell.c}${cell.extra.length ? ` (${cell.extra.join(' ')})` : ''}`;
  console.log(
    `| ${label} | ${k(b)} | ${k(a)} | ${k(w)} | ${ratio(a, b)} | ${ratio(b, w)} | ${ratio(a, w)} | ${cpu} | ${list('before')} | ${list('after')} | ${list('wrk')} |`,
  );
}
