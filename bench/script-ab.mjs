// Two builds' k6-script runs side by side: the same k6 script (`http.get` + one `check`, 50 VUs,
// one worker) run by both builds AT THE SAME TIME, both pinned to the generator core, against one
// nginx on the other core. On a machine other jobs load, runs taken one after the other see
// different loads (bench/RESULTS.md: req/CPU-s of one build moved ±25 % between rounds); two runs
// sharing the core at the same moment see the same load, the same target state and the same
// cache pressure, so their ratio is what differs between the builds.
//
// Usage: node bench/script-ab.mjs [seconds] [rounds] --before <bin/redline.js> [--after <bin/redline.js>]
//   `--after` defaults to this checkout's bin/redline.js. Which build starts first alternates.
//
// Per round: each build's requests per CPU-second of its generator during the load (its own
// monitor's mean CPU share × the duration, as bench/script-vs-quick.mjs; coarse when the
// generator gets a small share of the core), per whole-process CPU-second (/usr/bin/time,
// startup included), and per load CPU-second: whole-process CPU minus that of a run of the same
// build started beside the other's with 50 iterations only (startup, bundling, summary), so the
// startup does not dilute the difference. Summarised as after / before with a 95 % interval
// (bench/ratio-interval.mjs).
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, GEN_CPU, k, REDLINE, startNginx, WORK } from './lib.mjs';
import { formatInterval, loadText, ratioInterval } from './ratio-interval.mjs';

const flag = (name) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
};
const positional = process.argv
  .slice(2)
  .filter((a, i, all) => !a.startsWith('--') && !all[i - 1]?.startsWith('--'));
const seconds = Number(positional[0] ?? 5);
const rounds = Number(positional[1] ?? 6);
const before = flag('--before');
const after = flag('--after') ?? REDLINE;
if (!before) {
  console.error('usage: node bench/script-ab.mjs [seconds] [rounds] --before <bin/redline.js>');
  process.exit(2);
}
const dir = join(WORK, `script-ab-${process.pid}`);
mkdirSync(dir, { recursive: true });
const script = join(dir, 'one-get-k6.js');
writeFileSync(
  script,
  `import http from 'k6/http';
import { check } from 'k6';
export default function () {
  const res = http.get(__ENV.URL);
  check(res, { 'status is 200': (r) => r.status === 200 });
}
`,
);

/** One run of `cli` pinned to the generator core; `name` keeps its files apart from the other's. */
function run(cli, name, url, length = ['--duration', `${seconds}s`]) {
  const json = join(dir, `${name}.json`);
  const timeFile = join(dir, `${name}.time`);
  const args = [
    ...['-f', '%U %S', '-o', timeFile, 'taskset', '-c', GEN_CPU, process.execPath, cli, 'run'],
    ...[script, '--workers', '1', '--vus', '50', ...length, '-e', `URL=${url}`],
    ...['-q', '--json', json],
  ];
  return new Promise((resolve, reject) => {
    execFile('/usr/bin/time', args, { timeout: 120_000, maxBuffer: 1 << 26 }, (error, _o, err) => {
      if (error) return reject(new Error(`${name}: ${error.message}\n${err.slice(-2000)}`));
      const result = JSON.parse(readFileSync(json, 'utf8'));
      const [user, sys] = readFileSync(timeFile, 'utf8').trim().split(/\s+/).slice(-2).map(Number);
      const count = result.metrics.http_reqs.values.count;
      resolve({
        count,
        cpu: user + sys,
        perCpu: count / ((result.generator.cpuPercent / 100) * seconds),
        perProcessCpu: count / (user + sys),
      });
    });
  });
}

const nginx = await startNginx(await freePort());
const pairs = [];
console.log(`start: ${loadText()}`);
try {
  for (let round = 0; round < rounds; round++) {
    // Both start now; the one spawned first alternates between rounds.
    const both = async (length) =>
      round % 2 === 0
        ? await Promise.all([
            run(before, 'b', nginx.url, length),
            run(after, 'a', nginx.url, length),
          ])
        : (
            await Promise.all([
              run(after, 'a', nginx.url, length),
              run(before, 'b', nginx.url, length),
            ])
          ).reverse();
    const [b, a] = await both(undefined);
    const [b0, a0] = await both(['--iterations', '50']);
    a.perLoadCpu = (a.count - a0.count) / (a.cpu - a0.cpu);
    b.perLoadCpu = (b.count - b0.count) / (b.cpu - b0.cpu);
    pairs.push({ a, b });
    console.log(
      `round ${round + 1}: before ${k(b.perLoadCpu)} req per load CPU-s (${k(b.count)} requests, ${b.cpu.toFixed(2)} CPU-s, startup ${b0.cpu.toFixed(2)}), after ${k(a.perLoadCpu)} (${k(a.count)}, ${a.cpu.toFixed(2)}, ${a0.cpu.toFixed(2)}); after/before ${(a.perLoadCpu / b.perLoadCpu).toFixed(3)} (${loadText()})`,
    );
  }
} finally {
  nginx.stop();
}
console.log(`end: ${loadText()}\n`);
const ratio = (field) =>
  formatInterval(ratioInterval(pairs.map(({ a, b }) => a[field] / b[field])));
console.log(`after / before, k6 script req/CPU-s during the load: ${ratio('perCpu')}`);
console.log(`after / before, requests per whole-process CPU-s:    ${ratio('perProcessCpu')}`);
console.log(
  `after / before, requests per load CPU-s (startup run subtracted): ${ratio('perLoadCpu')}`,
);
