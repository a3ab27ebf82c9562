// k6 transform overhead: the flow of examples/k6/login-flow.js (login, /users/me, /items) without its sleeps, written as
// the k6-style synchronous script (made async by the transform) vs the same flow in the native
// async API. Same target, same VUs, same core; runs alternate; the median ratio is reported.
// Usage (after `npm run build`): taskset -c 0 node bench/k6-transform.js [seconds=2] [reps=16] [vus=20]
// Runs happen in this process (runScriptTest from dist/), alternating A-B-B-A, so the pairs compared
// are seconds apart; the process re-executes itself pinned to GEN_CPU when taskset exists.
// Two measures per run: iterations/s, and the generator's own CPU per iteration during the load
// (from the run's generator monitor, so bundling and start-up are excluded); the second is less
// sensitive to other processes on a shared machine.
// The target is a small Node server with the demo's three routes (no database, no password hash),
// pinned to TGT_CPU, so the generator (pinned to GEN_CPU) is the bottleneck and its cost shows.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runScriptTest } from '../dist/engine/script-run/run-script.js';
import { freePort, GEN_CPU, median, ROOT, TGT_CPU, WORK, waitForPort } from './lib.mjs';

if (process.env.K6_TRANSFORM_BENCH_PINNED !== '1' && spawnSync('taskset', ['-V']).status === 0) {
  const pinned = spawnSync(
    'taskset',
    ['-c', GEN_CPU, process.execPath, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    {
      stdio: 'inherit',
      env: { ...process.env, K6_TRANSFORM_BENCH_PINNED: '1' },
    },
  );
  process.exit(pinned.status ?? 1);
}

const seconds = Number(process.argv[2] ?? 2);
const reps = Number(process.argv[3] ?? 16);
const vus = Number(process.argv[4] ?? 20);

// The seed script as the user wrote it, minus its sleep() lines (the benchmark measures the flow).
const seed = readFileSync(join(ROOT, 'test/k6-compat/seed/seed-script.js'), 'utf8');
const k6Script = join(WORK, 'seed-flow-k6.js');
writeFileSync(k6Script, seed.replace(/^\s*sleep\(\d+\);\n/gm, ''));
if (/\bsleep\(\d/.test(readFileSync(k6Script, 'utf8')))
  throw new Error('a sleep() call was left in the k6 script');

const nativeScript = join(WORK, 'seed-flow-native.js');
writeFileSync(
  nativeScript,
  `import { check, http, Rate, Trend } from 'redline';

const errorRate = new Rate('errors');
const responseTime = new Trend('response_time');

export const options = {
  thresholds: {
    http_req_duration: ['p(50)<200', 'p(95)<500', 'p(99)<800'],
    errors: ['rate<0.01'],
    http_req_failed: ['rate<0.01'],
  },
};

export default async function () {
  const loginRes = await http.post('https://api.example.com/auth/login', { email: 'test@example.com', password: 'password123' });
  check(loginRes, {
    'login status is 200': (r) => r.status === 200,
    'login time < 300ms': (r) => r.timings.duration < 300,
  });
  errorRate.add(loginRes.status !== 200);
  responseTime.add(loginRes.timings.duration);
  const headers = { Authorization: \`Bearer \${loginRes.json('token')}\` };
  const userRes = await http.get('https://api.example.com/users/me', { headers });
  check(userRes, {
    'user fetch status is 200': (r) => r.status === 200,
    'user fetch time < 200ms': (r) => r.timings.duration < 200,
  });
  errorRate.add(userRes.status !== 200);
  responseTime.add(userRes.timings.duration);
  const itemsRes = await http.get('https://api.example.com/items?limit=20', { headers });
  check(itemsRes, {
    'items fetch status is 200': (r) => r.status === 200,
    'items fetch time < 300ms': (r) => r.timings.duration < 300,
  });
  errorRate.add(itemsRes.status !== 200);
  responseTime.add(itemsRes.timings.duration);
}
`,
);

async function startTarget(port) {
  const script = join(WORK, 'seed-routes-server.cjs');
  writeFileSync(
    script,
    `const items = JSON.stringify({ items: Array.from({ length: 20 }, (_, i) => ({ id: i + 1, name: 'item ' + (i + 1), price: 10 * (i + 1) })) });
require('http').createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    const auth = req.headers.authorization === 'Bearer t0k3n';
    res.setHeader('content-type', 'application/json');
    if (req.url === '/auth/login' && body.includes('password=password123')) return res.end('{"token":"t0k3n"}');
    if (req.url === '/users/me' && auth) return res.end('{"id":1,"email":"test@example.com"}');
    if (req.url.startsWith('/items') && auth) return res.end(items);
    res.statusCode = 401;
    res.end('{"error":"unauthorized"}');
  });
}).listen(${port}, '127.0.0.1');
`,
  );
  const child = spawn('taskset', ['-c', TGT_CPU, process.execPath, script], { stdio: 'ignore' });
  await waitForPort(port);
  return { stop: () => child.kill('SIGTERM') };
}

async function runOnce(script, port, label) {
  const run = await runScriptTest({
    scriptPath: script,
    cli: {
      vus,
      duration: `${seconds}s`,
      hosts: [`https://api.example.com=http://127.0.0.1:${port}`],
    },
  });
  const result = run.result;
  if (result.metrics.http_req_failed.values.rate !== 0)
    throw new Error(`${label}: requests failed`);
  const iterations = result.metrics.iterations.values.count;
  const cpuUs = (result.generator.cpuPercent / 100) * result.durationMs * 1000;
  return {
    perSecond: result.metrics.iterations.values.rate,
    cpuPerIterationUs: cpuUs / iterations,
  };
}

const port = await freePort();
const target = await startTarget(port);
const k6 = [];
const native = [];
try {
  await runOnce(nativeScript, port, 'warmup');
  await runOnce(k6Script, port, 'warmup');
  for (let i = 0; i < reps; i++) {
    // ABBA order, short runs: neighbours in time share the machine's conditions.
    if (i % 2 === 0) {
      k6.push(await runOnce(k6Script, port, 'k6'));
      native.push(await runOnce(nativeScript, port, 'native'));
    } else {
      native.push(await runOnce(nativeScript, port, 'native'));
      k6.push(await runOnce(k6Script, port, 'k6'));
    }
  }
} finally {
  target.stop();
}
const ratios = k6.map((r, i) => r.perSecond / native[i].perSecond);
const cpuRatios = k6.map((r, i) => r.cpuPerIterationUs / native[i].cpuPerIterationUs);
const fmt = (xs) => xs.map((x) => x.toFixed(0)).join(', ');
console.log(
  `seed flow without sleeps, ${vus} VUs, ${seconds} s per run, ${reps} runs each (generator on CPU ${GEN_CPU}, target on CPU ${TGT_CPU})\n`,
);
console.log('| script | iterations/s (median) | runs | CPU µs per iteration (median) |');
console.log('|---|---:|---|---:|');
console.log(
  `| k6-style, synchronous (transformed) | ${median(k6.map((r) => r.perSecond)).toFixed(0)} | ${fmt(k6.map((r) => r.perSecond))} | ${median(k6.map((r) => r.cpuPerIterationUs)).toFixed(0)} |`,
);
console.log(
  `| native async API | ${median(native.map((r) => r.perSecond)).toFixed(0)} | ${fmt(native.map((r) => r.perSecond))} | ${median(native.map((r) => r.cpuPerIterationUs)).toFixed(0)} |`,
);
console.log(
  `\nk6 / native throughput, per pair: ${ratios.map((x) => x.toFixed(3)).join(', ')}; median ${median(ratios).toFixed(3)} (goal ≥ 0.90)`,
);
console.log(
  `k6 / native CPU per iteration, per pair: ${cpuRatios.map((x) => x.toFixed(3)).join(', ')}; median ${median(cpuRatios).toFixed(3)} (goal ≤ 1.10)`,
);
console.log(
  `load average at the end: ${(await import('node:os'))
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);
