// 10,000 VUs running a login -> GET -> GET flow with 1-2 s sleeps against a small Node target on
// the other core: Redline's peak RSS (goal < 300 MB; k6 documents 1-5 MB per VU).
// Usage: node bench/vus-10k.mjs [vus] [seconds]
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, k, REDLINE, runPinned, startFlowServer, WORK } from './lib.mjs';

const vus = Number(process.argv[2] ?? 10_000);
const seconds = Number(process.argv[3] ?? 20);
const port = await freePort();
const target = await startFlowServer(port);
const script = join(WORK, 'flow-10k.ts');
writeFileSync(
  script,
  `import { check, http, sleep } from 'redline';
declare const __ENV: Record<string, string | undefined>;
export default async function () {
  const base = __ENV.BASE!;
  const login = await http.post(base + '/auth/login', JSON.stringify({ email: 'u@example.com', password: 'x' }), { headers: { 'Content-Type': 'application/json' } });
  const headers = { Authorization: 'Bearer ' + (login.json('token') as string) };
  await sleep(1 + Math.random());
  const me = await http.get(base + '/users/me', { headers });
  check(me, { 'me 200': (r) => r.status === 200 });
  await sleep(1 + Math.random());
  await http.get(base + '/items?limit=20', { headers });
}
`,
);
try {
  const out = join(WORK, 'vus10k.json');
  const r = await runPinned(
    process.execPath,
    [
      REDLINE,
      'run',
      script,
      '--vus',
      String(vus),
      '--duration',
      `${seconds}s`,
      '-q',
      '--json',
      out,
      '-e',
      `BASE=http://127.0.0.1:${port}`,
    ],
    { timeoutMs: (seconds + 120) * 1000 },
  );
  if (r.error) console.error(r.stderr.slice(-2000));
  const result = JSON.parse(readFileSync(out, 'utf8'));
  console.log(
    '| VUs | iterations/s | http req/s | http_req_failed | peak RSS MB | MB per 1k VUs | goal |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|---|');
  const rss = r.maxRssKb / 1024;
  console.log(
    `| ${result.metrics.vus_max.values.max} | ${k(result.metrics.iterations?.values.rate ?? 0)} | ${k(result.metrics.http_reqs.values.rate)} | ${(result.metrics.http_req_failed.values.rate * 100).toFixed(2)}% | ${rss.toFixed(0)} | ${((rss / vus) * 1000).toFixed(1)} | < 300 MB |`,
  );
} finally {
  target.stop();
}
