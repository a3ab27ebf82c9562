// Profiling overhead: the target's throughput with and without `profileTarget` (default capture
// settings), alternating rounds in one run, target and generator pinned to different cores.
// Usage: npm run build && node bench/profiler-overhead.js [rounds=3] [seconds=8]
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runQuickTest } from '../dist/engine/index.js';
import { DEFAULT_CAPTURE_OPTIONS, profileTarget } from '../dist/profiler/index.js';
import { findFreePort, waitForPort } from '../dist/util/net.js';

const rounds = Number(process.argv[2] ?? 3);
const seconds = Number(process.argv[3] ?? 8);
const target = fileURLToPath(new URL('./profiler-target.js', import.meta.url));
const pinned = spawnSync('taskset', ['-c', '1', 'true']).status === 0;
const pin = (argv) => (pinned ? ['taskset', '-c', '1', ...argv] : argv);
if (pinned) spawnSync('taskset', ['-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
const load = (url, signal, durationMs) =>
  runQuickTest({ url: `${url}?q=t3`, connections: 16, durationMs, signal });
const rate = (run) => run.result.metrics.http_reqs.values.rate;

async function plainRound() {
  const port = await findFreePort();
  const argv = pin([process.execPath, target]);
  const child = spawn(argv[0], argv.slice(1), {
    env: { ...process.env, PORT: String(port) },
    stdio: 'ignore',
  });
  try {
    await waitForPort(port);
    const url = `http://127.0.0.1:${port}/`;
    await load(url, undefined, 2000);
    return rate(await load(url, undefined, seconds * 1000));
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

async function profiledRound() {
  const result = await profileTarget({
    target: { command: pin([process.execPath, target]) },
    warmup: (url, signal) => load(url, signal, 2000),
    load: (url, signal) => load(url, signal, seconds * 1000),
  });
  return rate(result.loadResult);
}

const ratios = [];
console.log(
  `profiler overhead: ${rounds} rounds of ${seconds}s, pinned=${pinned}, defaults ${JSON.stringify(DEFAULT_CAPTURE_OPTIONS)}`,
);
for (let i = 0; i < rounds; i++) {
  // Alternate the order so drift on a shared machine does not favour one side.
  const [first, second] = i % 2 === 0 ? [plainRound, profiledRound] : [profiledRound, plainRound];
  const a = await first();
  const b = await second();
  const [plain, profiled] = i % 2 === 0 ? [a, b] : [b, a];
  ratios.push(profiled / plain);
  console.log(
    `round ${i + 1}: plain ${plain.toFixed(0)} req/s, profiled ${profiled.toFixed(0)} req/s, ratio ${(profiled / plain).toFixed(3)}`,
  );
}
const sorted = [...ratios].sort((x, y) => x - y);
const median = sorted[Math.floor(sorted.length / 2)];
const mean = ratios.reduce((s, r) => s + r, 0) / ratios.length;
console.log(
  `throughput ratio profiled/plain: median ${median.toFixed(3)}, mean ${mean.toFixed(3)} → overhead ${((1 - median) * 100).toFixed(1)}% (median)`,
);
