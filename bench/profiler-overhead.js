// Profiling overhead on the target: CPU time per request with vs without `profileTarget` (default
// capture settings), both measured at the same moment. The plain and the profiled copy of one
// service run side by side on the same core and get the same load at the same time, so background
// noise on a shared machine hits both alike; CPU per request (from /proc) is the cost, and on a
// dedicated core throughput is its inverse: throughput cost = 1 - plain/profiled CPU per request.
// Usage: npm run build && [MODE=alternate|aa] node bench/profiler-overhead.js [rounds=6] [seconds=4] [captureJson]
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runQuickTest } from '../dist/engine/index.js';
import { DEFAULT_CAPTURE_OPTIONS, profileTarget } from '../dist/profiler/index.js';
import { findFreePort, waitForPort } from '../dist/util/net.js';
import { threadCpuUs } from './lib.mjs';
import { formatInterval, loadText, ratioInterval } from './ratio-interval.mjs';

const rounds = Number(process.argv[2] ?? 6);
const seconds = Number(process.argv[3] ?? 4);
// Optional third argument: capture options as JSON, e.g. '{"heapSamplingIntervalBytes":0}'.
const capture = process.argv[4] ? JSON.parse(process.argv[4]) : {};
const target = fileURLToPath(new URL('./profiler-target.js', import.meta.url));
const pinned = spawnSync('taskset', ['-c', '1', 'true']).status === 0;
const pin = (argv) => (pinned ? ['taskset', '-c', '1', ...argv] : argv);
if (pinned) spawnSync('taskset', ['-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });

/**
 * OTHER_THREADS_CPU=<cpu>: moves every thread but the main one (V8's profiler and platform
 * threads, the inspector's, libuv's pool) of both copies to that CPU, so the main threads have
 * core 1 to themselves: separates what the profiler costs the JavaScript thread itself from what
 * its threads cost by sharing the core (cache refills, preemption).
 */
function moveOtherThreads(pid) {
  const cpu = process.env.OTHER_THREADS_CPU;
  if (cpu === undefined || !pinned) return;
  for (const tid of readdirSync(`/proc/${pid}/task`))
    if (tid !== String(pid)) spawnSync('taskset', ['-p', '-c', cpu, tid], { stdio: 'ignore' });
}

/** CPU ms of the whole process (its live threads, the profiler's included) and of its main (JavaScript) thread. */
const cpuOf = (pid) => ({ all: threadCpuUs(pid) / 1000, main: threadCpuUs(pid, pid) / 1000 });

const requestsOf = (run) => run.result.metrics.http_reqs.values.count;
const load = (url, durationMs, signal) =>
  runQuickTest({ url: `${url}?q=t3`, connections: 8, durationMs, signal });

const alternate = process.env.MODE === 'alternate';
/**
 * MODE=aa: the "profiled" copy is a second plain copy (no inspector session): the ratio the
 * side-by-side method reads when nothing differs, i.e. its own bias at this machine load (with
 * SECOND_FLAGS, the cost of those Node options alone).
 */
const aa = process.env.MODE === 'aa';

/** Loads one target alone for `seconds`; returns its requests per second. */
async function alone(t, signal) {
  const run = await load(t.url, seconds * 1000, signal);
  return requestsOf(run) / (run.result.durationMs / 1000);
}

/**
 * MODE=alternate: the core serves one target at a time (A then B, then B then A), so the ratio
 * is plain throughput on a dedicated core, profiler threads included; noisier on a shared machine.
 */
async function alternateRound(plain, profiled, signal, i) {
  const order = i % 2 === 0 ? [plain, profiled] : [profiled, plain];
  const rates = new Map();
  for (const t of order) rates.set(t, await alone(t, signal));
  return { plainRps: rates.get(plain), profiledRps: rates.get(profiled) };
}

/** Loads both targets at once for `seconds`; returns CPU µs per request of each (process, main thread). */
async function round(plain, profiled, signal) {
  const before = [cpuOf(plain.pid), cpuOf(profiled.pid)];
  const [a, b] = await Promise.all([
    load(plain.url, seconds * 1000, signal),
    load(profiled.url, seconds * 1000, signal),
  ]);
  const after = [cpuOf(plain.pid), cpuOf(profiled.pid)];
  const per = (i, run, key) => ((after[i][key] - before[i][key]) * 1000) / requestsOf(run);
  return {
    plain: per(0, a, 'all'),
    profiled: per(1, b, 'all'),
    plainMain: per(0, a, 'main'),
    profiledMain: per(1, b, 'main'),
  };
}

const port = await findFreePort();
const argv = pin([process.execPath, target]);
const child = spawn(argv[0], argv.slice(1), {
  env: { ...process.env, PORT: String(port) },
  stdio: 'ignore',
});
await waitForPort(port);
const plain = { url: `http://127.0.0.1:${port}/`, pid: child.pid };
const settings = { ...DEFAULT_CAPTURE_OPTIONS, ...capture };
console.log(
  `profiler overhead: ${rounds} rounds of ${seconds}s, ${alternate ? 'alternating' : 'side by side'}, pinned=${pinned}, capture ${JSON.stringify(settings)}; ${loadText()}`,
);
const ratios = [];
const mainRatios = [];
let sums = { plain: 0, profiled: 0 };
try {
  if (aa) {
    const port2 = await findFreePort();
    // SECOND_FLAGS: Node options for the second copy only (e.g. `--cpu-prof`: V8's CPU profiler
    // without Redline's inspector session and in-target sampler).
    const flags = (process.env.SECOND_FLAGS ?? '').split(' ').filter(Boolean);
    const argv2 = pin([process.execPath, ...flags, target]);
    const second = spawn(argv2[0], argv2.slice(1), {
      env: { ...process.env, PORT: String(port2) },
      stdio: 'ignore',
    });
    try {
      await waitForPort(port2);
      const other = { url: `http://127.0.0.1:${port2}/`, pid: second.pid };
      await Promise.all([load(plain.url, 2000), load(other.url, 2000)]);
      moveOtherThreads(plain.pid);
      moveOtherThreads(other.pid);
      for (let i = 0; i < rounds; i++) {
        const r = await round(plain, other);
        ratios.push(r.profiled / r.plain);
        mainRatios.push(r.profiledMain / r.plainMain);
        sums = { plain: sums.plain + r.plain, profiled: sums.profiled + r.profiled };
        console.log(
          `A/A round ${i + 1}: main thread ${r.plainMain.toFixed(1)} → ${r.profiledMain.toFixed(1)} µs/req (×${(r.profiledMain / r.plainMain).toFixed(3)})`,
        );
      }
    } finally {
      second.kill('SIGTERM');
    }
  } else
    await profileTarget({
      target: { command: pin([process.execPath, target]) },
      capture,
      warmup: (url, signal) =>
        Promise.all([load(plain.url, 2000, signal), load(url, 2000, signal)]),
      load: async (url, signal, info) => {
        moveOtherThreads(plain.pid);
        moveOtherThreads(info.pid);
        for (let i = 0; i < rounds; i++) {
          if (alternate) {
            const r = await alternateRound(plain, { url, pid: info.pid }, signal, i);
            ratios.push(r.profiledRps / r.plainRps);
            console.log(
              `round ${i + 1}: plain ${r.plainRps.toFixed(0)} req/s, profiled ${r.profiledRps.toFixed(0)} req/s (×${(r.profiledRps / r.plainRps).toFixed(3)})`,
            );
            continue;
          }
          const r = await round(plain, { url, pid: info.pid }, signal);
          ratios.push(r.profiled / r.plain);
          mainRatios.push(r.profiledMain / r.plainMain);
          sums = { plain: sums.plain + r.plain, profiled: sums.profiled + r.profiled };
          console.log(
            `round ${i + 1}: process ${r.plain.toFixed(1)} → ${r.profiled.toFixed(1)} µs/req (×${(r.profiled / r.plain).toFixed(3)}), main thread ${r.plainMain.toFixed(1)} → ${r.profiledMain.toFixed(1)} µs/req (×${(r.profiledMain / r.plainMain).toFixed(3)})`,
          );
        }
      },
    });
} finally {
  child.kill('SIGTERM');
}
const medianOf = (values) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)];
if (alternate) {
  const m = medianOf(ratios);
  const ci = ratioInterval(ratios);
  console.log(
    `throughput profiled/plain, alternating on one core (median of ${rounds}): ×${m.toFixed(3)} → cost ${((1 - m) * 100).toFixed(1)}%; geometric mean ${formatInterval(ci)} → cost ${((1 - ci.high) * 100).toFixed(1)}% to ${((1 - ci.low) * 100).toFixed(1)}%; ${loadText()}`,
  );
  process.exit(0);
}
const median = medianOf(ratios);
const mainMedian = medianOf(mainRatios);
console.log(
  `CPU per request profiled/plain (median of ${rounds}): whole process ×${median.toFixed(3)}, main thread ×${mainMedian.toFixed(3)}; mean whole process ×${(sums.profiled / sums.plain).toFixed(3)}`,
);
const mainCi = ratioInterval(mainRatios);
console.log(
  `main-thread CPU per request profiled/plain: ${formatInterval(mainCi)} → throughput cost ${((1 - 1 / mainCi.low) * 100).toFixed(1)}% to ${((1 - 1 / mainCi.high) * 100).toFixed(1)}%; whole process ${formatInterval(ratioInterval(ratios))}; ${loadText()}`,
);
console.log(
  `throughput cost on a dedicated core: ${((1 - 1 / mainMedian) * 100).toFixed(1)}% when the profiler's threads have another core, ${((1 - 1 / median) * 100).toFixed(1)}% when they share the target's core (with a second target on it)`,
);
