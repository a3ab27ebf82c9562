// Instructions per request of quick mode, before/after a change and against wrk, counted by
// valgrind's callgrind: an instruction count does not depend on what else the machine runs, so
// this A/B holds on a busy machine where req/s and CPU time spread by 3-25× (bench/RESULTS.md).
//
// Redline's start-up (module loading, worker start) is removed by difference: each build runs
// count-bound twice (-n SMALL and -n LARGE requests), and (I(LARGE) - I(SMALL)) / (LARGE - SMALL)
// is what one more request costs. wrk runs duration-bound (it has no request count); its
// start-up is a few million instructions, so total / requests is its per-request cost.
// Node runs under `--smc-check=all-non-file` so V8's generated code is counted correctly.
//
// Usage: BEFORE=/path/to/old/bin/redline.js node bench/instructions-ab.mjs [conns] [reps]
// (wall time: a few minutes per run under valgrind; nothing is timed, only counted.)
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, median, need, REDLINE, startNginx, WORK } from './lib.mjs';

const conns = Number(process.argv[2] ?? 50);
const reps = Number(process.argv[3] ?? 2);
const SMALL = Number(process.env.SMALL ?? 2_000);
const LARGE = Number(process.env.LARGE ?? 22_000);
const before = process.env.BEFORE;
if (!before || !existsSync(before)) {
  console.error('set BEFORE to the bin/redline.js of the build to compare against');
  process.exit(2);
}
need('valgrind', 'apt-get install -y valgrind');
need('wrk', 'apt-get install -y wrk');

/** Runs a command under callgrind; resolves with its stdout and the instructions it executed. */
function counted(command, args) {
  const out = join(WORK, `callgrind-${process.pid}-${Date.now()}.out`);
  return new Promise((resolve, reject) => {
    execFile(
      'valgrind',
      [
        '--tool=callgrind',
        '--smc-check=all-non-file',
        `--callgrind-out-file=${out}`,
        command,
        ...args,
      ],
      { timeout: 30 * 60_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        rmSync(out, { force: true });
        const collected = /Collected : (\d+)/.exec(stderr);
        if (error || !collected) {
          reject(
            new Error(
              `${command} under callgrind failed: ${error?.message}\n${stderr.slice(-1500)}`,
            ),
          );
          return;
        }
        resolve({ stdout, instructions: Number(collected[1]) });
      },
    );
  });
}

async function redline(cli, url, n) {
  const file = join(WORK, `ir-${process.pid}.json`);
  const { instructions } = await counted(process.execPath, [
    cli,
    'run',
    url,
    '-c',
    String(conns),
    '-n',
    String(n),
    '-q',
    '--json',
    file,
  ]);
  const result = JSON.parse(readFileSync(file, 'utf8'));
  const answered = result.metrics.http_reqs.values.count;
  const errors = Object.values(result.errors ?? {}).reduce((a, b) => a + b, 0);
  if (answered !== n || errors > 0)
    throw new Error(`${cli}: ${answered} of ${n} requests answered, ${errors} errors`);
  return instructions;
}

async function perRequest(cli, url) {
  const small = await redline(cli, url, SMALL);
  const large = await redline(cli, url, LARGE);
  return (large - small) / (LARGE - SMALL);
}

async function wrk(url) {
  const { stdout, instructions } = await counted('wrk', ['-t1', `-c${conns}`, '-d3s', url]);
  const requests = Number(/(\d+) requests in/.exec(stdout)?.[1]);
  return instructions / requests;
}

const nginx = await startNginx(await freePort());
const runs = { before: [], after: [], wrk: [] };
try {
  const tools = {
    before: (url) => perRequest(before, url),
    after: (url) => perRequest(REDLINE, url),
    wrk: (url) => wrk(url),
  };
  const order = Object.keys(tools);
  for (let rep = 0; rep < reps; rep++) {
    for (let j = 0; j < order.length; j++) {
      const tool = order[(j + rep) % order.length];
      runs[tool].push(await tools[tool](nginx.url));
      process.stderr.write(`${tool} `);
    }
  }
} finally {
  nginx.stop();
}
const m = Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, median(v)]));
const f = (v) => Math.round(v).toLocaleString('en');
console.log(`\nquick mode, -c ${conns}, instructions per request (callgrind; ${reps} runs each)`);
console.log('| build | median | runs |\n|---|---:|---|');
for (const [k, v] of Object.entries(runs))
  console.log(`| ${k} | ${f(m[k])} | ${v.map(f).join(', ')} |`);
console.log(
  `\nafter/before: ${(m.after / m.before).toFixed(3)}   after/wrk: ${(m.after / m.wrk).toFixed(2)}   before/wrk: ${(m.before / m.wrk).toFixed(2)}`,
);
