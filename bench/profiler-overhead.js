// Profiling overhead on the target: throughput and CPU time per request, with vs without
// `profileTarget` at the default settings, measured in one run. Both targets run at once, pinned to
// the same core; the load alternates between them in short slices (A B B A ...), so background
// noise on a shared machine hits both sides alike. CPU time per request (from /proc) is the
// steadier number: on a dedicated core, throughput is its inverse.
// Usage: npm run build && node bench/profiler-overhead.js [pairs=8] [sliceSeconds=1.5]
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runQuickTest } from '../dist/engine/index.js';
import { DEFAULT_CAPTURE_OPTIONS, profileTarget } from '../dist/profiler/index.js';
import { findFreePort, waitForPort } from '../dist/util/net.js';

const pairs = Number(process.argv[2] ?? 8);
const sliceMs = Number(process.argv[3] ?? 1.5) * 1000;
const target = fileURLToPath(new URL('./profiler-target.js', import.meta.url));
const pinned = spawnSync('taskset', ['-c', '1', 'true']).status === 0;
const pin = (argv) => (pinned ? ['taskset', '-c', '1', ...argv] : argv);
if (pinned) spawnSync('taskset', ['-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
const TICK_MS =
  1000 / Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || 100);

/** utime + stime of a process in ms (all its threads). */
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

async function slice(url, pid, signal) {
  const before = cpuMs(pid);
  const run = await runQuickTest({
    url: `${url}?q=t3`,
    connections: 16,
    durationMs: sliceMs,
    signal,
  });
  return {
    requests: run.result.metrics.http_reqs.values.count,
    seconds: run.result.durationMs / 1000,
    cpuMs: cpuMs(pid) - before,
  };
}

const port = await findFreePort();
const argv = pin([process.execPath, target]);
const plain = spawn(argv[0], argv.slice(1), {
  env: { ...process.env, PORT: String(port) },
  stdio: 'ignore',
});
await waitForPort(port);
const plainUrl = `http://127.0.0.1:${port}/`;
const totals = {
  plain: { requests: 0, seconds: 0, cpuMs: 0 },
  profiled: { requests: 0, seconds: 0, cpuMs: 0 },
};
const pairRatios = { throughput: [], cpu: [] };
const median = (values) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)];
const add = (side, s) => {
  totals[side].requests += s.requests;
  totals[side].seconds += s.seconds;
  totals[side].cpuMs += s.cpuMs;
};
console.log(
  `profiler overhead: ${pairs} pairs of ${sliceMs / 1000}s slices, pinned=${pinned}, defaults ${JSON.stringify(DEFAULT_CAPTURE_OPTIONS)}`,
);
try {
  await profileTarget({
    target: { command: pin([process.execPath, target]) },
    warmup: async (url, signal) => {
      await runQuickTest({ url: plainUrl, connections: 16, durationMs: 2000, signal });
      await runQuickTest({ url, connections: 16, durationMs: 2000, signal });
    },
    load: async (url, signal, info) => {
      for (let i = 0; i < pairs; i++) {
        const order = i % 2 === 0 ? ['plain', 'profiled'] : ['profiled', 'plain'];
        const got = {};
        for (const side of order)
          got[side] =
            side === 'plain'
              ? await slice(plainUrl, plain.pid, signal)
              : await slice(url, info.pid, signal);
        add('plain', got.plain);
        add('profiled', got.profiled);
        const rate = (x) => x.requests / x.seconds;
        const perRequest = (x) => x.cpuMs / x.requests;
        pairRatios.throughput.push(rate(got.profiled) / rate(got.plain));
        pairRatios.cpu.push(perRequest(got.profiled) / perRequest(got.plain));
        console.log(
          `pair ${i + 1}: plain ${(got.plain.requests / got.plain.seconds).toFixed(0)} req/s, profiled ${(got.profiled.requests / got.profiled.seconds).toFixed(0)} req/s`,
        );
      }
    },
  });
} finally {
  plain.kill('SIGTERM');
}
const rps = (t) => t.requests / t.seconds;
const cpuPerReq = (t) => (t.cpuMs * 1000) / t.requests;
const throughputRatio = rps(totals.profiled) / rps(totals.plain);
const cpuRatio = cpuPerReq(totals.profiled) / cpuPerReq(totals.plain);
console.log(
  `throughput: plain ${rps(totals.plain).toFixed(0)} req/s, profiled ${rps(totals.profiled).toFixed(0)} req/s, ratio ${throughputRatio.toFixed(3)} (overhead ${((1 - throughputRatio) * 100).toFixed(1)}%)`,
);
console.log(
  `CPU per request: plain ${cpuPerReq(totals.plain).toFixed(1)} µs, profiled ${cpuPerReq(totals.profiled).toFixed(1)} µs, ratio ${cpuRatio.toFixed(3)} (overhead ${((cpuRatio - 1) * 100).toFixed(1)}%)`,
);
console.log(
  `median of per-pair ratios: throughput ${median(pairRatios.throughput).toFixed(3)}, CPU per request ${median(pairRatios.cpu).toFixed(3)}`,
);
