// Probe overhead: throughput of a pg-backed app with and without `--import redline/probe` (runs dist/; `npm run build` first).
// Usage: taskset -c 1 node bench/probe-overhead.js [seconds=4] [rounds=3]
// The app is pinned to core 0 (taskset) when available; the load generator runs in this process.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { runQuickTest } from '../dist/engine/index.js';
import { formatInterval, loadText, ratioInterval } from './ratio-interval.mjs';

const SECONDS = Number(process.argv[2] ?? 4);
const ROUNDS = Number(process.argv[3] ?? 3);
const ROOT = new URL('..', import.meta.url).pathname;
const BASE = process.env.REDLINE_BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432';
const dbName = `rl_bench_probe_${process.pid}`;
const hasTaskset = spawnSync('taskset', ['-V']).status === 0;

async function admin(sql) {
  const client = new pg.Client({ connectionString: `${BASE}/postgres` });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function startApp(withProbe, reportFile) {
  const args = [
    ...(withProbe ? [`--import=${join(ROOT, 'dist/probe/register.js')}`] : []),
    join(ROOT, 'test/fixtures/apps/db/bench-pg.mjs'),
  ];
  const [cmd, argv] = hasTaskset
    ? ['taskset', ['-c', '0', process.execPath, ...args]]
    : [process.execPath, args];
  const env = {
    ...process.env,
    DATABASE_URL: `${BASE}/${dbName}`,
    ...(withProbe ? { REDLINE_PROBE_REPORT: reportFile } : {}),
  };
  const child = spawn(cmd, argv, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('app did not start')), 30_000);
    child.stdout.on('data', (chunk) => {
      const m = /listening (\d+)/.exec(String(chunk));
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
  });
  return {
    port,
    pid: child.pid,
    stop: () =>
      new Promise((r) => {
        child.once('exit', r);
        child.kill('SIGTERM');
      }),
  };
}

/** CPU time (user + system, ms) the process has used so far, from /proc (Linux). */
function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}

/**
 * Throughput (req/s) and the app's CPU time per request (µs): the latter does not depend on other
 * load on the machine. Each run starts a fresh app (the probe's state starts empty).
 */
async function measure(withProbe, path, reportFile) {
  const app = await startApp(withProbe, reportFile);
  try {
    const url = `http://127.0.0.1:${app.port}${path}`;
    await runQuickTest({ url, connections: 16, durationMs: 1000 });
    const cpu0 = cpuMs(app.pid);
    const { result } = await runQuickTest({ url, connections: 16, durationMs: SECONDS * 1000 });
    const cpu1 = cpuMs(app.pid);
    const count = result.metrics.http_reqs?.values.count ?? 0;
    return {
      rate: result.metrics.http_reqs?.values.rate ?? 0,
      cpuUs: ((cpu1 - cpu0) * 1000) / Math.max(1, count),
    };
  } finally {
    await app.stop();
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

await admin(`CREATE DATABASE ${dbName}`);
const dir = mkdtempSync(join(tmpdir(), 'redline-bench-probe-'));
try {
  const client = new pg.Client({ connectionString: `${BASE}/${dbName}` });
  await client.connect();
  await client.query(readFileSync(join(ROOT, 'test/fixtures/apps/db/schema.sql'), 'utf8'));
  await client.end();
  console.log(
    `probe overhead: ${SECONDS}s per run, ${ROUNDS} rounds (off/on alternating), 16 connections, app ${hasTaskset ? 'pinned to core 0' : 'unpinned'}; ${loadText()}`,
  );
  for (const path of ['/item', '/hello']) {
    const ratios = [];
    const cpuRatios = [];
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? [false, true] : [true, false];
      const m = {};
      for (const withProbe of order)
        m[withProbe] = await measure(withProbe, path, join(dir, `r${round}.ndjson`));
      ratios.push(m[true].rate / m[false].rate);
      cpuRatios.push(m[true].cpuUs / m[false].cpuUs);
      console.log(
        `  ${path} round ${round + 1}: off ${m[false].rate.toFixed(0)} req/s ${m[false].cpuUs.toFixed(0)} µs CPU/req, on ${m[true].rate.toFixed(0)} req/s ${m[true].cpuUs.toFixed(0)} µs CPU/req`,
      );
    }
    const r = median(ratios);
    const c = median(cpuRatios);
    console.log(
      `${path}: throughput on/off ${r.toFixed(3)} (${((1 - r) * 100).toFixed(1)}% fewer req/s); app CPU per request on/off ${c.toFixed(3)} (${((c - 1) * 100).toFixed(1)}% more)`,
    );
    const cpuCi = ratioInterval(cpuRatios);
    console.log(
      `${path}: app CPU per request on/off ${formatInterval(cpuCi)} → +${((cpuCi.low - 1) * 100).toFixed(1)}% to +${((cpuCi.high - 1) * 100).toFixed(1)}%; throughput on/off ${formatInterval(ratioInterval(ratios))}; ${loadText()}`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
  await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
}
