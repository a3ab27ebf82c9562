// A/B of two Redline builds over TLS: quick mode, 50 connections, against an https URL (e.g. the
// nginx of bench/tls-vs-peers.mjs), 6 alternated 3 s runs each; median req/s and CPU µs per
// request on the generator core (start-up CPU, measured with 1-request runs, subtracted).
// Usage: BEFORE=/path/to/old/bin/redline.js node bench/tls-ab.mjs https://127.0.0.1:PORT/
import { loadavg } from 'node:os';
import { median, REDLINE, runRedlineJson } from './lib.mjs';

const url = process.argv[2];
const A = process.env.BEFORE;
const B = REDLINE;
if (!url || !A)
  throw new Error('usage: BEFORE=/old/bin/redline.js node bench/tls-ab.mjs <https url>');
const res = { A: [], B: [] };
const base = {};
for (const [k, cli] of [
  ['A', A],
  ['B', B],
]) {
  const r = [];
  for (let i = 0; i < 3; i++)
    r.push((await runRedlineJson([url, '-n', '1', '--insecure'], { cli })).run.cpuSeconds);
  base[k] = median(r);
}
const loads = [loadavg()[0]];
for (let i = 0; i < 6; i++)
  for (const [k, cli] of i % 2
    ? [
        ['A', A],
        ['B', B],
      ]
    : [
        ['B', B],
        ['A', A],
      ]) {
    const { result, run } = await runRedlineJson([url, '-c', '50', '-d', '3s', '--insecure'], {
      cli,
    });
    res[k].push({
      rps: result.metrics.http_reqs.values.rate,
      us: ((run.cpuSeconds - base[k]) / result.metrics.http_reqs.values.count) * 1e6,
    });
    loads.push(loadavg()[0]);
  }
for (const k of ['A', 'B'])
  console.log(
    k,
    'rps',
    median(res[k].map((r) => r.rps)).toFixed(0),
    'µs/req',
    median(res[k].map((r) => r.us)).toFixed(1),
    res[k].map((r) => r.us.toFixed(0)).join(' '),
  );
console.log('startup', base, 'load', loads.map((l) => l.toFixed(1)).join(' '));
