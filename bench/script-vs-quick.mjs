// A script doing one GET + one check vs quick mode, same core, same target (nginx on the other
// core), 50 connections/VUs, one worker. Goal: script ≥ 0.5× quick mode.
//
// Usage: node bench/script-vs-quick.mjs [seconds] [rounds] [native|k6] [--before <bin/redline.js>]
//          [--after-env NAME=value]
//   `k6`: the same flow as a k6 script (k6/http, the k6 transform, per-VU init).
//   `--before`: another build's CLI; each round then runs quick and script with both builds.
//   `--after-env`: an environment variable for this build's runs only, e.g. `--before
//   bin/redline.js --after-env REDLINE_HTTP2=0` compares one build with and without it.
//
// Each round runs quick mode then the script (the order alternates between rounds) and yields
// two ratios, script / quick:
//   req/s          requests per wall-clock second (what the user sees; at the mercy of the load)
//   req/CPU-s      requests per CPU-second of the generator process during the load (the mean
//                  CPU share its own monitor measured per interval — process.cpuUsage, all threads,
//                  one worker so one core — times the duration): robust when other jobs take the
//                  core, since a slice the generator does not get costs it no CPU either
// and the whole-process CPU from /usr/bin/time (startup and bundling included) for reference.
// The ratios are reported as the geometric mean of the per-round ratios with a 95 % interval
// (bench/ratio-interval.mjs), with the load average before and after.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, k, median, runRedlineJson, startNginx, WORK } from './lib.mjs';
import { formatInterval, loadText, ratioInterval } from './ratio-interval.mjs';

const positional = process.argv
  .slice(2)
  .filter(
    (a, i, all) => !a.startsWith('--') && all[i - 1] !== '--before' && all[i - 1] !== '--after-env',
  );
const beforeAt = process.argv.indexOf('--before');
const before = beforeAt > 0 ? process.argv[beforeAt + 1] : undefined;
const afterEnvAt = process.argv.indexOf('--after-env');
const afterEnvText = afterEnvAt > 0 ? (process.argv[afterEnvAt + 1] ?? '') : '';
const afterEnv = afterEnvText.includes('=')
  ? {
      [afterEnvText.slice(0, afterEnvText.indexOf('='))]: afterEnvText.slice(
        afterEnvText.indexOf('=') + 1,
      ),
    }
  : {};
const seconds = Number(positional[0] ?? 5);
const rounds = Number(positional[1] ?? 3);
const style = positional[2] ?? 'native';
const script = join(WORK, style === 'k6' ? 'one-get-k6.js' : 'one-get.ts');
mkdirSync(WORK, { recursive: true });
writeFileSync(
  script,
  style === 'k6'
    ? `import http from 'k6/http';
import { check } from 'k6';
export default function () {
  const res = http.get(__ENV.URL);
  check(res, { 'status is 200': (r) => r.status === 200 });
}
`
    : `import { check, http } from 'redline';
export default async function () {
  const res = await http.get(__ENV.URL!);
  check(res, { 'status is 200': (r) => r.status === 200 });
}
declare const __ENV: Record<string, string | undefined>;
`,
);

/** One run: requests, req/s, load-phase CPU seconds (generator monitor), whole-process CPU. */
async function measure(args, cli) {
  // `cli` undefined = this build (with `--after-env`).
  const { result, run } = await runRedlineJson(
    ['--workers', '1', ...args],
    cli ? { cli } : { env: afterEnv },
  );
  const count = result.metrics.http_reqs.values.count;
  const loadCpu = (result.generator.cpuPercent / 100) * seconds;
  return {
    count,
    rate: result.metrics.http_reqs.values.rate,
    perCpu: count / loadCpu,
    perProcessCpu: count / run.cpuSeconds,
  };
}

const builds = before
  ? [
      ['before', before],
      ['after', undefined],
    ]
  : [['this build', undefined]];
const nginx = await startNginx(await freePort());
const runs = Object.fromEntries(builds.map(([name]) => [name, { quick: [], script: [] }]));
console.log(`start: ${loadText()}`);
try {
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? builds : [...builds].reverse();
    for (const [name, cli] of order) {
      const quickFirst = round % 2 === 0;
      const quick = () => measure([nginx.url, '-c', '50', '-d', `${seconds}s`], cli);
      const scripted = () =>
        measure(
          [script, '--vus', '50', '--duration', `${seconds}s`, '-e', `URL=${nginx.url}`],
          cli,
        );
      let q;
      let s;
      if (quickFirst) {
        q = await quick();
        s = await scripted();
      } else {
        s = await scripted();
        q = await quick();
      }
      runs[name].quick.push(q);
      runs[name].script.push(s);
      console.log(
        `round ${round + 1} ${name}: quick ${k(q.rate)} req/s ${k(q.perCpu)} req/CPU-s, script ${k(s.rate)} req/s ${k(s.perCpu)} req/CPU-s (${loadText()})`,
      );
    }
  }
} finally {
  nginx.stop();
}
console.log(`end: ${loadText()}\n`);
console.log(
  `| build | quick req/s (median) | ${style} script req/s (median) | script/quick req/s | quick req/CPU-s (median) | script req/CPU-s (median) | script/quick req/CPU-s | script/quick req per process CPU-s |`,
);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const [name] of builds) {
  const { quick, script: scripted } = runs[name];
  const ratio = (field) => ratioInterval(scripted.map((s, i) => s[field] / quick[i][field]));
  const med = (list, field) => k(median(list.map((x) => x[field])));
  console.log(
    `| ${name} | ${med(quick, 'rate')} | ${med(scripted, 'rate')} | ${formatInterval(ratio('rate'))} | ${med(quick, 'perCpu')} | ${med(scripted, 'perCpu')} | ${formatInterval(ratio('perCpu'))} | ${formatInterval(ratio('perProcessCpu'))} |`,
  );
}
if (before) {
  // The same round's runs of both builds, paired: how the script's own cost changed.
  const paired = (mode, field) =>
    formatInterval(
      ratioInterval(runs.after[mode].map((a, i) => a[field] / runs.before[mode][i][field])),
    );
  console.log(
    `\nafter / before, paired by round: script req/CPU-s ${paired('script', 'perCpu')}, quick req/CPU-s ${paired('quick', 'perCpu')}, script req/s ${paired('script', 'rate')}`,
  );
}
console.log('\ngoal: script / quick ≥ 0.5');
