// Probe overhead: CPU per request and throughput of a pg-backed app without the probe, with only
// the probe's request context (AsyncLocalStorage, bench/als-only.mjs) and with
// `--import redline/probe` (runs dist/; `npm run build` first).
// Usage: [RATE=300] node bench/probe-overhead.js [seconds=4] [rounds=3] [paths=/item,/items,/hello]
// The three apps run at once, pinned to core 0 (taskset) when available, and are loaded in turn;
// the load generator runs in this process.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { runQuickTest } from '../dist/engine/index.js';
import { threadCpuUs } from './lib.mjs';
import { probeAppHome, probeAppPlacement } from './probe-app-home.mjs';
import { formatInterval, loadText, ratioInterval } from './ratio-interval.mjs';

const SECONDS = Number(process.argv[2] ?? 4);
const ROUNDS = Number(process.argv[3] ?? 3);
/** Routes measured (comma-separated 3rd argument): one pg lookup, one 20-row list as JSON, no query. */
const PATHS = (process.argv[4] ?? '/item,/items,/hello').split(',');
/**
 * Requests per second offered to each app (env RATE, default 300; 0 = as fast as 16 connections
 * go). A fixed rate keeps every variant at the same load: on a shared machine a closed loop runs
 * each slice at a different rate, and CPU per request itself moves with the rate (a starved
 * process pays cache refills per request), which buried a 10 % effect in ±50 % of noise.
 */
const RATE = Number(process.env.RATE ?? 300);
/**
 * TOGETHER=1: every variant is loaded at the same time in each round (same rate each) instead of
 * in turn, so all of them meet the same contention from the rest of a shared machine; loaded in
 * turn, the load moved between slices a few seconds apart and the ratios of one round spread
 * ±20-40 % (bench/RESULTS.md). The apps then also compete with each other, equally.
 */
const TOGETHER = process.env.TOGETHER === '1';
/**
 * FRESH=1: every round starts (and warms) new processes, so the interval is over processes and
 * not over rounds of one pair of them: two warmed processes of the same build differed by
 * ~13 % (A/A run, bench/RESULTS.md 2026-12-06 probe13), more than the rounds' interval showed.
 */
const FRESH = process.env.FRESH === '1';
/**
 * Requests per app and route before the measured rounds (env WARMUP, default 12,000). V8 keeps
 * optimising the request path for ~9,000-12,000 requests of this app (`--trace-opt`: 146 / 37 /
 * 16 / 3 TurboFan compiles per 3,000 requests without the probe, 177 / 70 / 7 / 6 with it); the
 * former 1.5 s warm-up (~1,500 requests) left that compilation, more of it with the probe, in the
 * measured slices (bench/RESULTS.md, 2026-12-06 probe13).
 */
const WARMUP = Number(process.env.WARMUP ?? 12_000);
const WARMUP_CHUNK = 2_000;
const ROOT = new URL('..', import.meta.url).pathname;
const BASE = process.env.REDLINE_BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432';
const dbName = `rl_bench_probe_${process.pid}`;
const APP = probeAppHome(ROOT);
const PLACEMENT = probeAppPlacement();

async function admin(sql) {
  const client = new pg.Client({ connectionString: `${BASE}/postgres` });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * The variants compared: no probe, the probe's request context alone, the whole probe (env
 * PROBE_ON: another build's dist/probe/register.js as `on`, e.g. to swap the two builds' places
 * in a second run; env ONLY=off,on,before: the variants kept).
 */
const ALL_VARIANTS = {
  off: [],
  als: [`--import=${join(ROOT, 'bench/als-only.mjs')}`],
  on: [`--import=${process.env.PROBE_ON ?? join(ROOT, 'dist/probe/register.js')}`],
  // Optional: another build of the probe (env PROBE_BASELINE=<path of its dist/probe/register.js>),
  // e.g. the main branch's, to compare before and after a change in the same run.
  ...(process.env.PROBE_BASELINE ? { before: [`--import=${process.env.PROBE_BASELINE}`] } : {}),
  // Optional: REPO_VARIANT=1 adds the full probe run from the repository (its package.json
  // declares every driver and framework, which the probe then loads ahead: bench/probe-app-home.mjs).
  ...(process.env.REPO_VARIANT === '1'
    ? { 'on-repo': [`--import=${join(ROOT, 'dist/probe/register.js')}`] }
    : {}),
  // Optional: PROBE_PARTS=loop,flush adds one full-probe variant per fixed part with that part
  // left out (env REDLINE_PROBE_BENCH_OFF, src/probe/stats.ts and runtime.ts): each part's cost is
  // the full probe's ratio minus that variant's, in the same rounds.
  ...Object.fromEntries(
    (process.env.PROBE_PARTS ?? '')
      .split(',')
      .filter(Boolean)
      .map((part) => [`on-no-${part}`, [`--import=${join(ROOT, 'dist/probe/register.js')}`]]),
  ),
};
const ONLY = process.env.ONLY?.split(',');
const VARIANTS = Object.fromEntries(
  Object.entries(ALL_VARIANTS).filter(([v]) => v === 'off' || !ONLY || ONLY.includes(v)),
);
const COMPARED = Object.keys(VARIANTS).filter((v) => v !== 'off');
const LABELS = {
  als: 'request context only',
  on: 'full probe',
  before: 'baseline probe',
  'on-repo': 'full probe, app run from the repository',
  ...Object.fromEntries(
    COMPARED.filter((v) => v.startsWith('on-no-')).map((v) => [v, `probe without ${v.slice(6)}`]),
  ),
};

async function startApp(variant, reportFile) {
  const home =
    variant === 'on-repo'
      ? { dir: ROOT, entry: join(ROOT, 'test/fixtures/apps/db/bench-pg.mjs') }
      : APP;
  const args = [...VARIANTS[variant], home.entry];
  const env = {
    ...process.env,
    DATABASE_URL: `${BASE}/${dbName}`,
    ...(variant.startsWith('on') || variant === 'before'
      ? { REDLINE_PROBE_REPORT: `${reportFile}.${variant}` }
      : {}),
    ...(variant.startsWith('on-no-') ? { REDLINE_PROBE_BENCH_OFF: variant.slice(6) } : {}),
  };
  return PLACEMENT.start(args, home.dir, env);
}

/**
 * Throughput (req/s) and the app's CPU time per request (µs) of one load slice on a running app:
 * the latter depends far less on other load on the machine than the former.
 */
async function measure(app, path) {
  const url = `http://127.0.0.1:${app.port}${path}`;
  const cpu0 = threadCpuUs(app.pid);
  const main0 = threadCpuUs(app.pid, app.pid);
  const { result } = await runQuickTest({
    url,
    connections: 16,
    durationMs: SECONDS * 1000,
    ...(RATE > 0 ? { rate: RATE } : {}),
  });
  const cpu1 = threadCpuUs(app.pid);
  const main1 = threadCpuUs(app.pid, app.pid);
  const count = result.metrics.http_reqs?.values.count ?? 0;
  return {
    rate: result.metrics.http_reqs?.values.rate ?? 0,
    cpuUs: (cpu1 - cpu0) / Math.max(1, count),
    mainUs: (main1 - main0) / Math.max(1, count),
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The rotation of the variants in round `i` (each variant goes first, middle and last in turn). */
const orderOf = (i) => {
  const names = Object.keys(VARIANTS);
  return names.map((_, k) => names[(i + k) % names.length]);
};

await admin(`CREATE DATABASE ${dbName}`);
const dir = mkdtempSync(join(tmpdir(), 'redline-bench-probe-'));
const apps = {};
try {
  const client = new pg.Client({ connectionString: `${BASE}/${dbName}` });
  await client.connect();
  await client.query(readFileSync(join(ROOT, 'test/fixtures/apps/db/schema.sql'), 'utf8'));
  await client.end();
  // All variants run for the whole bench (one process each, warmed on every route first) and
  // are loaded in turn, so each compared slice is seconds apart and no JIT warm-up is counted.
  // FRESH=1: new processes (warmed again) for every round instead.
  const startAll = async (paths) => {
    for (const variant of Object.keys(VARIANTS)) {
      await apps[variant]?.stop();
      apps[variant] = await startApp(variant, join(dir, 'probe.ndjson'));
    }
    // Warmed in turn in chunks of WARMUP_CHUNK requests, so every app ends its warm-up at
    // about the same time (warmed one after the other, the first sat idle for a minute before
    // the measured slice while the last had just been warmed).
    for (const path of paths)
      for (let done = 0; done < WARMUP; done += WARMUP_CHUNK)
        for (const variant of Object.keys(VARIANTS))
          await runQuickTest({
            url: `http://127.0.0.1:${apps[variant].port}${path}`,
            connections: 16,
            requests: Math.min(WARMUP_CHUNK, WARMUP - done),
            durationMs: 60_000,
          });
  };
  await startAll(PATHS);
  console.log(
    `probe overhead: ${SECONDS}s slices, ${ROUNDS} rounds (${Object.keys(VARIANTS).join(' / ')}, ${TOGETHER ? 'loaded together' : 'rotating'}${FRESH ? ', new processes every round' : ''}), ${RATE > 0 ? `${RATE} req/s each` : '16 connections, closed loop'}, apps ${PLACEMENT.pinned ? 'pinned to core 0' : 'unpinned'}, warm-up ${WARMUP} requests per app and route; ${loadText()}`,
  );
  for (const path of PATHS) {
    const ratios = Object.fromEntries(COMPARED.map((v) => [v, []]));
    const cpuRatios = Object.fromEntries(COMPARED.map((v) => [v, []]));
    const mainRatios = Object.fromEntries(COMPARED.map((v) => [v, []]));
    for (let round = 0; round < ROUNDS; round++) {
      if (FRESH && round > 0) await startAll([path]);
      const m = {};
      if (TOGETHER) {
        const all = await Promise.all(orderOf(round).map((v) => measure(apps[v], path)));
        orderOf(round).forEach((v, i) => {
          m[v] = all[i];
        });
      } else for (const variant of orderOf(round)) m[variant] = await measure(apps[variant], path);
      for (const v of COMPARED) {
        ratios[v].push(m[v].rate / m.off.rate);
        cpuRatios[v].push(m[v].cpuUs / m.off.cpuUs);
        mainRatios[v].push(m[v].mainUs / m.off.mainUs);
      }
      console.log(
        `  ${path} round ${round + 1}: ${Object.keys(VARIANTS)
          .map(
            (v) =>
              `${v} ${m[v].rate.toFixed(0)} req/s ${m[v].cpuUs.toFixed(1)} µs CPU/req (main thread ${m[v].mainUs.toFixed(1)})`,
          )
          .join(', ')}`,
      );
    }
    for (const v of COMPARED) {
      const ci = ratioInterval(cpuRatios[v]);
      console.log(
        `${path} ${LABELS[v]}: app CPU per request ${v}/off ${formatInterval(ci)} → ${((ci.low - 1) * 100).toFixed(1)}% to ${((ci.high - 1) * 100).toFixed(1)}% (median ×${median(cpuRatios[v]).toFixed(3)}); main thread ${formatInterval(ratioInterval(mainRatios[v]))}; throughput ${v}/off ${formatInterval(ratioInterval(ratios[v]))}; ${loadText()}`,
      );
    }
  }
} finally {
  for (const app of Object.values(apps)) await app.stop();
  rmSync(dir, { recursive: true, force: true });
  APP.remove();
  await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
}
