// A script doing one GET + one check vs quick mode, same core, same target (nginx on the other
// core), 50 connections/VUs. Goal: script ≥ 0.5× quick-mode req/s.
// Usage: node bench/script-vs-quick.mjs [seconds] [reps] [native|k6] — `k6`: the same flow as a
// k6 script (k6/http, the k6 transform, per-VU init).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, k, median, runRedlineJson, startNginx, WORK } from './lib.mjs';

const seconds = Number(process.argv[2] ?? 5);
const reps = Number(process.argv[3] ?? 3);
const style = process.argv[4] ?? 'native';
const script = join(WORK, style === 'k6' ? 'one-get-k6.js' : 'one-get.ts');
mkdirSync(WORK, { recursive: true });
writeFileSync(
  script,
  style === 'k6'
    ? `import http from 'k6/http';
import { check } from 'k6';
export default function () {
  const res = http.get(__ENV.URL);
  check(res, { 'status is 200': (r) => r.status === 200 });
}
`
    : `import { check, http } from 'redline';
export default async function () {
  const res = await http.get(__ENV.URL!);
  check(res, { 'status is 200': (r) => r.status === 200 });
}
declare const __ENV: Record<string, string | undefined>;
`,
);
const nginx = await startNginx(await freePort());
const quick = [];
const scripted = [];
try {
  for (let i = 0; i < reps; i++) {
    const q = await runRedlineJson([nginx.url, '-c', '50', '-d', `${seconds}s`]);
    quick.push(q.result.metrics.http_reqs.values.rate);
    const s = await runRedlineJson([
      script,
      '--vus',
      '50',
      '--duration',
      `${seconds}s`,
      '-e',
      `URL=${nginx.url}`,
    ]);
    scripted.push(s.result.metrics.http_reqs.values.rate);
  }
} finally {
  nginx.stop();
}
const mq = median(quick);
const ms = median(scripted);
console.log('| mode | req/s (median) | runs |');
console.log('|---|---:|---|');
console.log(`| quick mode, 50 connections | ${k(mq)} | ${quick.map(k).join(', ')} |`);
console.log(`| ${style} script (GET + check), 50 VUs | ${k(ms)} | ${scripted.map(k).join(', ')} |`);
console.log(`\nscript / quick = ${(ms / mq).toFixed(2)} (goal ≥ 0.5)`);
