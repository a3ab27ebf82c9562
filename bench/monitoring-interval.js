// Cost of one onInterval of each monitoring output with ~50 series (runs the built dist/; `npm run build` first).
// Usage: node bench/monitoring-interval.js [intervals=60]

import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Aggregate } from '../dist/metrics/aggregate.js';
import { BUILTIN_METRICS } from '../dist/metrics/builtin.js';
import { MetricRegistry } from '../dist/metrics/registry.js';
import { CsvOutput } from '../dist/outputs/csv/csv-output.js';
import { createDashboardOutput } from '../dist/outputs/dashboard/dashboard-output.js';
import { createOtlpOutput } from '../dist/outputs/otlp/otlp-output.js';
import { createPrometheusOutput } from '../dist/outputs/prometheus/prometheus-output.js';
import { createRemoteWriteOutput } from '../dist/outputs/remote-write/remote-write-output.js';

const INTERVALS = Number(process.argv[2] ?? 60);
const REQUESTS_PER_INTERVAL = 5000;
const urls = ['/', '/items', '/items/1', '/login', '/search'];
const statuses = ['200', '500'];

// A sink that accepts remote write and OTLP requests (answers 204/200), so outputs do real I/O.
const sink = createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(req.url === '/v1/metrics' ? 200 : 204).end());
});
await new Promise((r) => sink.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${sink.address().port}`;

/** 5 URLs x 2 statuses x (reqs, duration, waiting, receiving, data_received) = 50 series, + vus and failed. */
function record(registry, seed) {
  let x = seed;
  const rand = () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x / 2 ** 31;
  };
  for (let i = 0; i < REQUESTS_PER_INTERVAL; i++) {
    const tags = {
      method: 'GET',
      name: urls[i % urls.length],
      status: statuses[i % 21 === 0 ? 1 : 0],
      expected_response: i % 21 === 0 ? 'false' : 'true',
    };
    const ms = Math.exp(rand() * 5); // 1 ms .. 150 ms, log-uniform
    registry.counter(BUILTIN_METRICS.http_reqs, tags).add(1);
    registry.trend(BUILTIN_METRICS.http_req_duration, tags).add(ms);
    registry.trend(BUILTIN_METRICS.http_req_waiting, tags).add(ms * 0.9);
    registry.trend(BUILTIN_METRICS.http_req_receiving, tags).add(ms * 0.05);
    registry.counter(BUILTIN_METRICS.data_received, tags).add(512);
  }
  registry.gauge(BUILTIN_METRICS.vus).add(50);
  registry
    .rate(BUILTIN_METRICS.http_req_failed)
    .addMany(REQUESTS_PER_INTERVAL / 20, REQUESTS_PER_INTERVAL);
}

// Pre-build the interval updates once, so every output sees identical data.
const registry = new MetricRegistry(() => 0);
const deltas = [];
for (let i = 0; i < INTERVALS; i++) {
  record(registry, i + 1);
  const delta = new Aggregate();
  delta.addSnapshot(registry.snapshot(0, i, i * 1000, (i + 1) * 1000));
  deltas.push(delta);
}
console.log(`series per interval: ${deltas[0].series.size}`);

const dir = mkdtempSync(join(tmpdir(), 'redline-bench-'));
const outputs = {
  prometheus: createPrometheusOutput({ port: 0 }),
  'prometheus-rw': createRemoteWriteOutput({ url: `${base}/api/v1/write` }),
  'prometheus-rw (native)': createRemoteWriteOutput({
    url: `${base}/api/v1/write`,
    nativeHistograms: true,
  }),
  otlp: createOtlpOutput({ url: base, exportIntervalMs: 60_000 }),
  csv: new CsvOutput(join(dir, 'bench.csv')),
  dashboard: createDashboardOutput({ port: 0 }),
};

const meta = {
  runId: 'bench',
  startedAtMs: Date.now(),
  intervalMs: 1000,
  target: base,
  tags: {},
  scenarios: [],
};
const rows = [];
for (const [name, out] of Object.entries(outputs)) {
  const runTotals = new Aggregate();
  await out.start(meta);
  const times = [];
  for (let i = 0; i < INTERVALS; i++) {
    runTotals.addAggregate(deltas[i]);
    const t0 = performance.now();
    out.onInterval({
      interval: i,
      startMs: i * 1000,
      endMs: (i + 1) * 1000,
      delta: deltas[i],
      totals: runTotals,
    });
    times.push(performance.now() - t0);
  }
  let extra = '';
  if (name === 'prometheus') {
    out.render(); // warm-up
    const t0 = performance.now();
    const text = out.render();
    extra = `one scrape render (warm): ${(performance.now() - t0).toFixed(2)} ms (${(text.length / 1024).toFixed(0)} KiB)`;
  }
  await out.stop({ totals: runTotals, durationMs: INTERVALS * 1000, reason: 'completed' });
  times.splice(0, Math.min(5, times.length - 1)); // drop JIT warm-up intervals
  times.sort((a, b) => a - b);
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  rows.push([
    name,
    mean.toFixed(3),
    times[Math.floor(times.length * 0.5)].toFixed(3),
    times[Math.floor(times.length * 0.99)].toFixed(3),
    times[0].toFixed(3),
    extra,
  ]);
}
sink.close();
rmSync(dir, { recursive: true, force: true });
console.log(
  'output                  mean ms  median ms  p99 ms  min ms   (one onInterval, ~50 series, 5000 requests/interval)',
);
for (const r of rows)
  console.log(
    `${r[0].padEnd(24)}${r[1].padStart(7)}  ${r[2].padStart(9)}  ${r[3].padStart(6)}  ${r[4].padStart(6)}   ${r[5]}`,
  );
console.log(
  `load average while measuring: ${(await import('node:os')).loadavg()[0].toFixed(1)} on ${(await import('node:os')).cpus().length} cores (figures scale with contention)`,
);
console.log(
  `share of the 1 s interval spent by the slowest output (mean): ${(Math.max(...rows.map((r) => Number(r[1]))) / 10).toFixed(2)}%`,
);
