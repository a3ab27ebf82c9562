// Profiler overhead, before vs after a change: runs bench/profiler-overhead.js from two builds
// alternately (before, after, after, before, …), each run a plain and a profiled copy side by
// side, and compares the profiled/plain main-thread CPU per request of the runs of each pair.
// A "build" is a directory holding dist/ and bench/ (e.g. a copy of main's, made before the
// change: `mkdir /tmp/base && cp -r dist bench package.json /tmp/base && ln -s $PWD/node_modules
// /tmp/base/`). Usage:
//   npm run build && node bench/profiler-overhead-ab.mjs <beforeDir> [afterDir=.] [pairs=5] [rounds=4] [seconds=3] [captureJson]
// Env for both runs passes through (REDLINE_BENCH_CAPTURE_OFF, OTHER_THREADS_CPU, …).
// AFTER_CAPTURE='<captureJson>': capture options for the "after" runs only (compare two settings of
// one build: `AFTER_CAPTURE='{"samplingIntervalUs":10000}' node bench/profiler-overhead-ab.mjs . .`).
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { formatInterval, loadText, ratioInterval } from './ratio-interval.mjs';

const [beforeDir, afterDir = '.', pairsArg = '5', roundsArg = '4', secondsArg = '3', capture] =
  process.argv.slice(2);
if (!beforeDir) {
  console.error(
    'usage: node bench/profiler-overhead-ab.mjs <beforeDir> [afterDir] [pairs] [rounds] [seconds] [captureJson]',
  );
  process.exit(2);
}
const pairs = Number(pairsArg);

/** One run of profiler-overhead.js from `dir`: its per-round main-thread ratios. */
function run(dir, side) {
  const args = [resolve(dir, 'bench/profiler-overhead.js'), roundsArg, secondsArg];
  const options = side === 'after' ? (process.env.AFTER_CAPTURE ?? capture) : capture;
  if (options) args.push(options);
  const out = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 600_000 });
  const ratios = [...out.stdout.matchAll(/main thread [\d.]+ → [\d.]+ µs\/req \(×([\d.]+)\)/g)].map(
    (m) => Number(m[1]),
  );
  if (ratios.length === 0) throw new Error(`no rounds from ${dir}: ${out.stdout}${out.stderr}`);
  return ratios;
}

const all = { before: [], after: [] };
const pairRatios = [];
console.log(
  `profiler overhead A/B: ${pairs} pairs, before ${beforeDir}, after ${afterDir}${process.env.AFTER_CAPTURE ? ` with ${process.env.AFTER_CAPTURE}` : ''}; ${loadText()}`,
);
for (let i = 0; i < pairs; i++) {
  const order = i % 2 === 0 ? ['before', 'after'] : ['after', 'before'];
  const means = {};
  for (const side of order) {
    const ratios = run(side === 'before' ? beforeDir : afterDir, side);
    all[side].push(...ratios);
    means[side] = ratioInterval(ratios).mean;
  }
  pairRatios.push(means.after / means.before);
  console.log(
    `pair ${i + 1} (${order.join(' then ')}): profiled/plain main-thread CPU per request before ×${means.before.toFixed(3)}, after ×${means.after.toFixed(3)} (after/before ×${(means.after / means.before).toFixed(3)}); ${loadText()}`,
  );
}
console.log(`before: profiled/plain ${formatInterval(ratioInterval(all.before))} (all rounds)`);
console.log(`after:  profiled/plain ${formatInterval(ratioInterval(all.after))} (all rounds)`);
console.log(`after/before by pair: ${formatInterval(ratioInterval(pairRatios))}; ${loadText()}`);
