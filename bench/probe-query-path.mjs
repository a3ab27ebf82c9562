// The probe's per-query bookkeeping (recorder + pipeline, no driver and no I/O) of two builds,
// each round in a fresh process per build, interleaved A B A B: thread CPU per request of a loop
// of synthetic requests, per case. Cases: `one` (one lookup by a number, the bench-pg `/item`
// shape), `bound` (one lookup whose string parameter is a deeper path segment: the route
// parameter binding of a hand-written router), `unbound` (a string parameter that is no path
// segment), `repeat10` (the same lookup 10 times: N+1 counting and sampled stack captures),
// `sample` (keepSample alone, per call: the slowest-execution sample's Map lookup).
// Usage: BEFORE=<another build's dist folder> node bench/probe-query-path.mjs [requests=100000] [rounds=6] [cases=one,bound,unbound,repeat10,sample]
// Runs dist/ (`npm run build` first). Without BEFORE it measures this build alone.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { formatInterval, loadText, ratioInterval } from './ratio-interval.mjs';

const REQUESTS = Number(process.argv[2] ?? 100_000);
const ROUNDS = Number(process.argv[3] ?? 6);
const CASES = (process.argv[4] ?? 'one,bound,unbound,repeat10,sample').split(',');
const AFTER = fileURLToPath(new URL('../dist', import.meta.url));
const BEFORE = process.env.BEFORE;

if (process.env.PROBE_QUERY_PATH_CHILD) {
  const { startProbePipeline } = await import('./probe-pipeline.mjs');
  const dist = process.env.PROBE_QUERY_PATH_CHILD;
  const kase = process.env.PROBE_QUERY_PATH_CASE;
  const cpu = () => {
    const u = process.cpuUsage();
    return u.user + u.system;
  };
  if (kase === 'sample') {
    const { keepSample } = await import(`${dist}/probe/query-samples.js`);
    const sql = 'SELECT id, name FROM authors WHERE id = $?';
    const run = () => {
      const t0 = cpu();
      for (let i = 0; i < REQUESTS; i++)
        keepSample(sql, 'SELECT id, name FROM authors WHERE id = $1', [i % 300], (i * 7919) % 997);
      return (cpu() - t0) / REQUESTS;
    };
    run();
    process.stdout.write(`${run()}\n`);
  } else {
    const { onEnd, beginQuery, finishQuery, createRequestState, targets } =
      await startProbePipeline(dist);
    const url = kase === 'one' || kase === 'repeat10' ? '/item' : '/shop/books/items';
    const text =
      kase === 'one' || kase === 'repeat10'
        ? 'SELECT id, name FROM authors WHERE id = $1'
        : 'SELECT id, title FROM books WHERE category = $1 LIMIT 20';
    const queries = kase === 'repeat10' ? 10 : 1;
    const request = { url, method: 'GET' };
    const response = { statusCode: 200 };
    function driverCall() {}
    const run = () => {
      const t0 = cpu();
      for (let i = 0; i < REQUESTS; i++) {
        const state = createRequestState('GET', url);
        for (let q = 0; q < queries; q++) {
          const param = kase === 'bound' ? 'books' : kase === 'unbound' ? 'fiction' : (i + q) % 300;
          const record = beginQuery(state, 'pg', text, [param], false, driverCall);
          finishQuery(state, record, { rows: 1, columns: 2 });
        }
        onEnd(state, request, response);
      }
      return (cpu() - t0) / REQUESTS;
    };
    run();
    process.stdout.write(`${run()}\n`);
    targets.stats.close();
  }
} else {
  const builds = BEFORE ? { before: BEFORE, after: AFTER } : { after: AFTER };
  console.log(
    `probe query path: ${REQUESTS} requests per round, ${ROUNDS} rounds, fresh process per build and round (${Object.keys(builds).join(' / ')}); ${loadText()}`,
  );
  for (const kase of CASES) {
    const us = Object.fromEntries(Object.keys(builds).map((b) => [b, []]));
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 ? Object.keys(builds).reverse() : Object.keys(builds);
      for (const build of order) {
        const out = execFileSync(
          process.execPath,
          [fileURLToPath(import.meta.url), String(REQUESTS)],
          {
            env: {
              ...process.env,
              PROBE_QUERY_PATH_CHILD: builds[build],
              PROBE_QUERY_PATH_CASE: kase,
            },
            encoding: 'utf8',
            timeout: 120_000,
          },
        );
        us[build].push(Number(out.trim()));
      }
    }
    const text = Object.entries(us)
      .map(([b, xs]) => `${b} ${[...xs].sort((x, y) => x - y)[xs.length >> 1].toFixed(3)} µs`)
      .join(', ');
    const ratio = BEFORE
      ? `; after/before ${formatInterval(ratioInterval(us.after.map((a, i) => a / us.before[i])))}`
      : '';
    console.log(
      `  ${kase}: median CPU per request (per call for sample) ${text}${ratio}; ${loadText()}`,
    );
  }
}
