// A/B of bench/probe-footprint-walk.mjs: another build (BEFORE=<abs path of its dist/>) against
// this one, alternately, PAIRS pairs; ratios after/before with 95 % intervals (ratio-interval.mjs).
// Usage: BEFORE=/abs/other/dist node bench/probe-footprint-ab.mjs [depth=25] [pairs=6]
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { formatInterval, ratioInterval } from './ratio-interval.mjs';

const [depth = '25', pairs = '6'] = process.argv.slice(2);
const before = process.env.BEFORE;
if (!before) throw new Error('BEFORE=<absolute path of the other build dist/> is required');
const after = fileURLToPath(new URL('../dist', import.meta.url));
const walk = fileURLToPath(new URL('./probe-footprint-walk.mjs', import.meta.url));
const run = (dist) =>
  JSON.parse(
    execFileSync('node', ['--expose-gc', walk, '980', '5', depth], {
      env: { ...process.env, REDLINE_DIST: dist },
    }).toString(),
  );
const rows = [];
for (let i = 0; i < Number(pairs); i++) {
  const a = run(before);
  const b = run(after);
  rows.push([a, b]);
  const cells = (r) => [
    r.heapGrowthBytes,
    r.footprintBytes,
    r.walkCpuUs.median,
    r.recentReadCpuUs.median,
  ];
  console.log(JSON.stringify({ before: cells(a), after: cells(b) }));
}
const ci = (f) => formatInterval(ratioInterval(rows.map(([a, b]) => f(b) / f(a))));
console.log(`depth ${depth}: heap growth after/before ${ci((r) => r.heapGrowthBytes)}`);
console.log(`depth ${depth}: fresh walk CPU after/before ${ci((r) => r.walkCpuUs.median)}`);
const share = (i) =>
  rows.map((p) => (p[i].footprintBytes / p[i].heapGrowthBytes).toFixed(2)).join(' ');
console.log(`depth ${depth}: footprint / heap growth, before ${share(0)}; after ${share(1)}`);
