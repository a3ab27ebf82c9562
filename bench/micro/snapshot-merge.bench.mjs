// Micro-benchmark of the per-second snapshot path of a one-shard run: the shard's registry
// drains 8 trends (+ counters) and the controller merges the snapshot (IntervalMerger → per-interval
// Aggregate → run totals → timeline point), with histograms encoded (deflate + base64, then
// inflate + decode: what crosses threads) or handed over in memory (`local`: one shard merged in
// its own thread). CPU (process.cpuUsage) per interval, the two paths alternating by round.
// Run after `npm run build`: node bench/micro/snapshot-merge.bench.mjs [rounds=10] [perInterval=15000]
import { IntervalMerger } from '../../dist/engine/interval-merger.js';
import { Aggregate } from '../../dist/metrics/aggregate.js';
import { BUILTIN_METRICS } from '../../dist/metrics/builtin.js';
import { MetricRegistry } from '../../dist/metrics/registry.js';
import { timelinePoint } from '../../dist/results/timeline.js';
import { median } from '../lib.mjs';
import { ratioInterval } from '../ratio-interval.mjs';

const rounds = Number(process.argv[2] ?? 10);
const perInterval = Number(process.argv[3] ?? 15_000);
const INTERVALS = 20;
// The request trends and iteration_duration: what a quick-mode HTTP request records.
const TRENDS = Object.values(BUILTIN_METRICS)
  .filter((d) => d.type === 'trend' && /^(http_req_|iteration_duration)/.test(d.name))
  .map((d) => d.name);
// Skewed latencies, 20 µs .. 40 ms, fixed seed: the same values for both paths.
let seed = 42;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};
const values = Array.from({ length: 65_536 }, () => Math.floor(20 + random() ** 4 * 40_000));

function run(local) {
  const registry = new MetricRegistry(() => 0);
  const trends = TRENDS.map((name) =>
    registry.trend(BUILTIN_METRICS[name], { method: 'GET', status: '200' }),
  );
  const reqs = registry.counter(BUILTIN_METRICS.http_reqs, { method: 'GET', status: '200' });
  const totals = new Aggregate(1);
  const merger = new IntervalMerger(1, (merged) => {
    totals.addAggregate(merged.delta);
    timelinePoint(merged.delta, totals, merged.startMs, merged.endMs);
  });
  let cpu = 0;
  let v = 0;
  for (let i = 0; i < INTERVALS; i++) {
    for (let n = 0; n < perInterval; n++) {
      for (const t of trends) t.addMicros(values[v++ & 65_535]);
      reqs.add(1);
    }
    const before = process.cpuUsage();
    const snapshot = registry.snapshot(0, i, i * 1000, (i + 1) * 1000, local);
    merger.add({ snapshot, health: { lagP99Ms: 0, lagMaxMs: 0 }, final: false, warnings: [] });
    const used = process.cpuUsage(before);
    cpu += used.user + used.system;
  }
  const count = totals.summarize('http_req_duration').count;
  if (count !== INTERVALS * perInterval) throw new Error(`lost values: ${count}`);
  return cpu / INTERVALS;
}

run(false);
run(true);
const encoded = [];
const local = [];
for (let r = 0; r < rounds; r++) {
  if (r % 2 === 0) {
    encoded.push(run(false));
    local.push(run(true));
  } else {
    local.push(run(true));
    encoded.push(run(false));
  }
}
const ratio = ratioInterval(encoded.map((e, i) => e / local[i]));
console.log(
  `${TRENDS.length} trends, ${perInterval} values each per interval, ${rounds} rounds × ${INTERVALS} intervals`,
);
console.log(
  `CPU per interval: encoded ${median(encoded).toFixed(0)} µs, local ${median(local).toFixed(0)} µs (medians); encoded/local ×${ratio.mean.toFixed(2)} (95 % CI ${ratio.low.toFixed(2)}–${ratio.high.toFixed(2)})`,
);
console.log(
  `saved per request at ${perInterval} req/s: ${((median(encoded) - median(local)) / perInterval).toFixed(3)} µs`,
);
