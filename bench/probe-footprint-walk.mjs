// Cost of the probe's footprint walk (probe/footprint.ts) and the heap its cached call sites hold,
// with the probe's real structures filled through its real pipeline (runs dist/, no I/O):
// ROUTES routes × STATEMENTS statement shapes, each statement issued on ROUTES_PER_STATEMENT
// routes (one cached call site per statement × route, up to the recorder's 5,000), from a stack
// DEPTH application frames deep, plus repeats (N+1 captures) and cache-tracker pairs.
// Usage: [REDLINE_DIST=/abs/dist] node --expose-gc bench/probe-footprint-walk.mjs [statements=980] [routesPerStatement=5] [depth=8]
// REDLINE_DIST: another build to measure (an absolute path to its dist/, e.g. main's, for A/B).
import { startProbePipeline } from './probe-pipeline.mjs';

const dist = process.env.REDLINE_DIST;
const { probeFootprintBytes } = await import(`${dist ?? '../dist'}/probe/footprint.js`);
const { targets, onEnd, beginQuery, finishQuery, createRequestState } =
  await startProbePipeline(dist);

const STATEMENTS = Number(process.argv[2] ?? 980);
const ROUTES_PER_STATEMENT = Number(process.argv[3] ?? 5);
const DEPTH = Number(process.argv[4] ?? 8);
const ROUTES = 200;
if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc');

const response = { statusCode: 200 };
/** The instrumented driver call: the stack is cut above it, as in the real drivers. */
function driverCall(state, text, params) {
  return beginQuery(state, 'pg', text, params, false, driverCall);
}

/** A stack `depth` application frames deep above the query (handler → service → repository …). */
function nested(depth, work) {
  return depth <= 1 ? work() : nested(depth - 1, work);
}

function request(routeIndex, statements, repeats) {
  const url = `/r${routeIndex}/${1000 + routeIndex}`;
  const state = createRequestState('GET', url);
  for (const s of statements)
    for (let r = 0; r < repeats; r++) {
      const record = nested(DEPTH, () =>
        driverCall(state, `SELECT c${s}, name FROM t${s % 40} WHERE id = $1`, [
          r + routeIndex * 7 + s,
        ]),
      );
      finishQuery(state, record, { rows: 1, columnNames: [`c${s}`, 'name'] });
    }
  onEnd(state, { url, method: 'GET' }, response);
}

function heapUsed() {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
}

const before = heapUsed();
const t0 = performance.now();
// Every statement on ROUTES_PER_STATEMENT routes, once per request: one cached site per pair.
for (let s = 0; s < STATEMENTS; s++)
  for (let k = 0; k < ROUTES_PER_STATEMENT; k++) request((s * 7 + k) % ROUTES, [s], 1);
// N+1 loops (repeat captures, findings, site resolution) on 200 of those pairs (no new slot:
// one more would pass the recorder's cap, which clears every cached site).
for (let s = 0; s < Math.min(200, STATEMENTS); s++) request((s * 7) % ROUTES, [s], 12);
const fillMs = performance.now() - t0;
const after = heapUsed();

function timeWalks(n, recent) {
  const times = [];
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const t = process.cpuUsage();
    bytes = probeFootprintBytes(recent);
    const d = process.cpuUsage(t);
    times.push(d.user + d.system);
  }
  times.sort((a, b) => a - b);
  return { bytes, medianUs: times[Math.floor(n / 2)], minUs: times[0], maxUs: times.at(-1) };
}

const walk = timeWalks(21, false);
// Readings content with a recent walk (the profiler's, after each natural full GC); a build
// before that option ignores the argument and walks every time.
const recent = timeWalks(21, true);
console.log(
  JSON.stringify({
    statements: STATEMENTS,
    routesPerStatement: ROUTES_PER_STATEMENT,
    depth: DEPTH,
    fillMs: Math.round(fillMs),
    heapGrowthBytes: after - before,
    footprintBytes: walk.bytes,
    walkCpuUs: { median: walk.medianUs, min: walk.minUs, max: walk.maxUs },
    recentReadCpuUs: { median: recent.medianUs, max: recent.maxUs },
  }),
);
targets.stats.close();
