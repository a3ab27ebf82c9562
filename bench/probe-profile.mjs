// Where the probe's overhead goes: the pg fixture app (test/fixtures/apps/db/bench-pg.mjs) runs
// under `node --cpu-prof`, once per variant (no probe, request context only, full probe), each
// loaded with the same number of requests; the samples taken while the load ran are summed by
// function (self time) and printed as µs per request side by side, largest difference first.
// Usage: [RATE=300] [VARIANTS=off,als,on] node bench/probe-profile.mjs [requests=6000] [path=/item] [rounds=1]
// RATE=0: closed loop, 16 connections. Runs dist/ (`npm run build` first). Apps on core 0, the
// load generator (this process) on core 1 when taskset exists. Every load is bounded by count.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { runQuickTest } from '../dist/engine/index.js';
import { threadCpuUs } from './lib.mjs';
import { probeAppHome, probeAppPlacement } from './probe-app-home.mjs';
import { loadText } from './ratio-interval.mjs';

const REQUESTS = Number(process.argv[2] ?? 6000);
const PATH = process.argv[3] ?? '/item';
const ROUNDS = Number(process.argv[4] ?? 1);
const RATE = Number(process.env.RATE ?? 300);
/** Requests before the profiled window (env WARMUP): V8 optimises this app for ~10,000 (probe-overhead.js). */
const WARMUP = Number(process.env.WARMUP ?? 12_000);
const INTERVAL_US = Number(process.env.PROF_INTERVAL_US ?? 250);
/**
 * v8: `--cpu-prof` (wall-clock samples of the main thread: under load a preempted syscall keeps
 * collecting samples); perf: `perf record -e task-clock` of every thread of the app (on-CPU time
 * only; JIT frames named through --perf-basic-prof-only-functions); none: CPU per thread only.
 */
const PROFILER = process.env.PROFILER ?? 'perf';
const ROOT = new URL('..', import.meta.url).pathname;
const BASE = process.env.REDLINE_BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432';
const dbName = `rl_bench_prof_${process.pid}`;
const APP = probeAppHome(ROOT);
const PLACEMENT = probeAppPlacement();

const ALL = {
  off: [],
  als: [`--import=${join(ROOT, 'bench/als-only.mjs')}`],
  on: [`--import=${join(ROOT, 'dist/probe/register.js')}`],
  ...(process.env.PROBE_BASELINE ? { before: [`--import=${process.env.PROBE_BASELINE}`] } : {}),
};
const VARIANTS = (process.env.VARIANTS ?? 'off,als,on').split(',');

async function admin(sql, db = 'postgres') {
  const client = new pg.Client({ connectionString: `${BASE}/${db}` });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function startApp(variant, profDir, reportFile) {
  const args = [
    ...(PROFILER === 'v8'
      ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`, `--cpu-prof-interval=${INTERVAL_US}`]
      : PROFILER === 'perf'
        ? ['--perf-basic-prof-only-functions']
        : []),
    ...ALL[variant],
    APP.entry,
  ];
  const env = {
    ...process.env,
    DATABASE_URL: `${BASE}/${dbName}`,
    ...(variant === 'on' || variant === 'before' ? { REDLINE_PROBE_REPORT: reportFile } : {}),
  };
  return PLACEMENT.start(args, APP.dir, env);
}

/** CPU µs of each thread of `pid` so far, summed by thread name (main thread: `main`). */
function threadsCpu(pid) {
  const out = {};
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let name = String(tid) === String(pid) ? 'main' : 'other';
    try {
      if (name !== 'main')
        name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim().replace(/\d+$/, '');
      out[name] = (out[name] ?? 0) + threadCpuUs(pid, tid);
    } catch {
      // thread gone
    }
  }
  return out;
}

/** perf record of every thread of `pid` until the returned function is called. */
function startPerf(pid, file) {
  if (PROFILER !== 'perf') return async () => {};
  const child = spawn(
    'perf',
    ['record', '-q', '-e', 'task-clock', '-F', '4000', '-p', String(pid), '-o', file],
    {
      stdio: 'ignore',
    },
  );
  const exited = new Promise((r) => child.once('exit', r));
  return async () => {
    child.kill('SIGINT');
    await exited;
  };
}

/** Period (ns of task-clock) per "dso symbol" from a perf.data file. */
function perfSymbols(file) {
  const r = spawnSync(
    'perf',
    [
      'report',
      '-i',
      file,
      '--stdio',
      '--no-children',
      '-F',
      'period,dso,sym',
      '-t',
      '\t',
      '--percent-limit',
      '0',
    ],
    { encoding: 'utf8', maxBuffer: 1 << 28 },
  );
  const out = new Map();
  for (const line of r.stdout.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const [period, dso, sym] = line.split('\t').map((x) => x.trim());
    const ns = Number(period);
    if (!Number.isFinite(ns)) continue;
    const name = sym.replace(/^\[[.kjug]\] /, '').replace(/^JS:[*~^+]?/, 'JS:');
    const key = `${name} [${dso.startsWith('[JIT]') ? 'JIT' : dso.replace(/^.*\//, '')}]`;
    out.set(key, (out.get(key) ?? 0) + ns / 1000);
  }
  return out;
}

/** Load of `count` requests (bounded in time too); returns [t0, t1] (monotonic µs) and CPU µs. */
async function load(app, count, perfFile) {
  const url = `http://127.0.0.1:${app.port}${PATH}`;
  const rate = RATE > 0 ? RATE : undefined;
  const durationMs = rate ? Math.ceil((count / rate) * 1000) : 60_000;
  const stopPerf = startPerf(app.pid, perfFile);
  await new Promise((r) => setTimeout(r, 300));
  const threads0 = threadsCpu(app.pid);
  const cpu0 = threadCpuUs(app.pid);
  const t0 = Number(process.hrtime.bigint() / 1000n);
  const { result } = await runQuickTest({
    url,
    connections: 16,
    durationMs,
    ...(rate ? { rate } : { requests: count }),
  });
  const t1 = Number(process.hrtime.bigint() / 1000n);
  const cpu1 = threadCpuUs(app.pid);
  const threads1 = threadsCpu(app.pid);
  await stopPerf();
  const threads = Object.fromEntries(
    Object.keys(threads1).map((k) => [k, threads1[k] - (threads0[k] ?? 0)]),
  );
  return {
    t0,
    t1,
    threads,
    cpuUs: cpu1 - cpu0,
    count: result.metrics.http_reqs?.values.count ?? 0,
  };
}

/** Self time (µs) per function over the samples taken in [t0, t1]. */
function selfTimes(profile, t0, t1) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const out = new Map();
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i] ?? 0;
    t += dt;
    if (t < t0 || t > t1) continue;
    const next = profile.timeDeltas[i + 1] ?? INTERVAL_US;
    const node = byId.get(profile.samples[i]);
    const f = node.callFrame;
    const file = f.url ? f.url.replace(/^file:\/\//, '').replace(ROOT, '') : '';
    const key = `${f.functionName || '(anonymous)'} ${file}${file ? `:${f.lineNumber + 1}` : ''}`;
    out.set(key, (out.get(key) ?? 0) + next);
  }
  return out;
}

await admin(`CREATE DATABASE ${dbName}`);
const dir = mkdtempSync(join(tmpdir(), 'redline-probe-prof-'));
try {
  await admin(readFileSync(join(ROOT, 'test/fixtures/apps/db/schema.sql'), 'utf8'), dbName);
  console.log(
    `probe profile: ${REQUESTS} requests on ${PATH}, ${RATE > 0 ? `${RATE} req/s` : 'closed loop, 16 connections'}, --cpu-prof-interval=${INTERVAL_US}; ${loadText()}`,
  );
  const totals = Object.fromEntries(VARIANTS.map((v) => [v, new Map()]));
  const cpu = Object.fromEntries(VARIANTS.map((v) => [v, { us: 0, n: 0 }]));
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 ? [...VARIANTS].reverse() : VARIANTS;
    for (const variant of order) {
      const profDir = join(dir, `${variant}-${round}`);
      const app = await startApp(variant, profDir, join(dir, `probe-${variant}.ndjson`));
      // Warm-up (JIT, pool connections), outside the measured window.
      await runQuickTest({
        url: `http://127.0.0.1:${app.port}${PATH}`,
        connections: 16,
        durationMs: 60_000,
        requests: WARMUP,
      });
      const perfFile = join(dir, `${variant}-${round}.perf.data`);
      const m = await load(app, REQUESTS, perfFile);
      await app.stop();
      const samples =
        PROFILER === 'v8'
          ? selfTimes(
              JSON.parse(
                readFileSync(
                  join(
                    profDir,
                    readdirSync(profDir).find((f) => f.endsWith('.cpuprofile')),
                  ),
                  'utf8',
                ),
              ),
              m.t0,
              m.t1,
            )
          : PROFILER === 'perf'
            ? perfSymbols(perfFile)
            : new Map();
      for (const [k, us] of samples)
        totals[variant].set(k, (totals[variant].get(k) ?? 0) + us / m.count);
      cpu[variant].us += m.cpuUs;
      cpu[variant].n += m.count;
      console.log(
        `  round ${round + 1} ${variant}: ${m.count} requests, ${(m.cpuUs / m.count).toFixed(1)} µs CPU/request (${Object.entries(
          m.threads,
        )
          .map(([k, us]) => `${k} ${(us / m.count).toFixed(1)}`)
          .join(', ')}); ${loadText()}`,
      );
    }
  }
  const keys = new Set(VARIANTS.flatMap((v) => [...totals[v].keys()]));
  const rows = [...keys].map((k) => ({
    k,
    v: VARIANTS.map((v) => (totals[v].get(k) ?? 0) / ROUNDS),
  }));
  const last = VARIANTS.length - 1;
  rows.sort((a, b) => Math.abs(b.v[last] - b.v[0]) - Math.abs(a.v[last] - a.v[0]));
  console.log(
    `CPU µs/request (all threads): ${VARIANTS.map((v) => `${v} ${(cpu[v].us / cpu[v].n).toFixed(1)}`).join(', ')}`,
  );
  const sum = (i) => rows.reduce((a, r) => a + r.v[i], 0);
  console.log(
    `profile µs/request (v8: main thread, idle included; perf: all threads, on CPU): ${VARIANTS.map((v, i) => `${v} ${sum(i).toFixed(1)}`).join(', ')}`,
  );
  // Components: the kernel, node's binary (V8 runtime, builtins, libuv), other libraries, and
  // JavaScript by where it lives (Redline's probe, node's own modules, node_modules, the app).
  const componentOf = (k) => {
    if (k.endsWith('[[kernel.kallsyms]]')) return 'kernel';
    if (k.endsWith('[node]')) return 'node binary (V8, builtins, libuv)';
    if (!k.endsWith('[JIT]') && !k.includes('.js:') && !k.includes('.mjs:')) return 'other native';
    if (k.includes('/dist/probe/') || k.includes('bench/als-only')) return 'JS: Redline probe';
    if (k.includes('node:')) return 'JS: node core';
    if (k.includes('node_modules/')) return 'JS: node_modules (pg)';
    if (k.includes('fixtures/')) return 'JS: app';
    return 'JS: other';
  };
  const components = new Map();
  for (const r of rows) {
    const c = componentOf(r.k);
    const acc = components.get(c) ?? VARIANTS.map(() => 0);
    r.v.forEach((x, i) => {
      acc[i] += x;
    });
    components.set(c, acc);
  }
  console.log(`${VARIANTS.map((v) => v.padStart(8)).join('')}  component (µs/request)`);
  for (const [c, v] of [...components].sort((a, b) => b[1][0] - a[1][0]))
    console.log(`${v.map((x) => x.toFixed(2).padStart(8)).join('')}  ${c}`);
  console.log(`${VARIANTS.map((v) => v.padStart(8)).join('')}  function (self time, µs/request)`);
  for (const r of rows.slice(0, Number(process.env.TOP ?? 45)))
    console.log(`${r.v.map((x) => x.toFixed(2).padStart(8)).join('')}  ${r.k}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
  APP.remove();
  await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
}
