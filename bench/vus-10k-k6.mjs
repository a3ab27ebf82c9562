// Per-VU init memory: 10,000 VUs of a k6 script whose init code builds per-VU state (a random
// user, a token, a counter, helper functions, a custom metric, a SharedArray of 1,000 users), the
// same login -> GET -> GET flow with 1-2 s sleeps as bench/vus-10k.mjs, against a small Node
// target on the other core. Prints peak RSS and the cost per VU (RSS of N VUs minus RSS of a
// 100-VU run of the same script, over N - 100). Goal: 10,000 VUs <= 400 MB.
// Usage: node bench/vus-10k-k6.mjs [vus] [seconds]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, k, REDLINE, runPinned, startFlowServer, WORK } from './lib.mjs';

const vus = Number(process.argv[2] ?? 10_000);
const seconds = Number(process.argv[3] ?? 10);
mkdirSync(WORK, { recursive: true });
const port = await freePort();
writeFileSync(
  join(WORK, 'users-1k.json'),
  JSON.stringify(
    Array.from({ length: 1000 }, (_, i) => ({ email: `u${i}@example.com`, password: `p${i}` })),
  ),
);
const target = await startFlowServer(port);
const script = join(WORK, 'flow-10k-k6.js');
writeFileSync(
  script,
  `import http from 'k6/http';
import { check, sleep } from 'k6';
import { SharedArray } from 'k6/data';
import { Counter, Trend } from 'k6/metrics';
const users = new SharedArray('users', () => JSON.parse(open('./users-1k.json')));
const user = users[Math.floor(Math.random() * users.length)];
const logins = new Counter('logins');
const flowTime = new Trend('flow_time', true);
let token = '';
let iterations = 0;
const base = __ENV.BASE;
const jsonHeaders = { 'Content-Type': 'application/json' };
function authHeaders() { return { Authorization: 'Bearer ' + token }; }
function login() {
  const res = http.post(base + '/auth/login', JSON.stringify({ email: user.email, password: user.password }), { headers: jsonHeaders });
  token = res.json('token');
  logins.add(1);
}
export default function () {
  const started = Date.now();
  if (iterations++ % 10 === 0) login();
  sleep(1 + Math.random());
  const me = http.get(base + '/users/me', { headers: authHeaders() });
  check(me, { 'me 200': (r) => r.status === 200 });
  sleep(1 + Math.random());
  http.get(base + '/items?limit=20', { headers: authHeaders() });
  flowTime.add(Date.now() - started);
}
`,
);

async function run(n) {
  const out = join(WORK, `vus10k-k6-${n}.json`);
  const r = await runPinned(
    process.execPath,
    [
      REDLINE,
      'run',
      script,
      '--vus',
      String(n),
      '--duration',
      `${seconds}s`,
      '-q',
      '--json',
      out,
      '-e',
      `BASE=http://127.0.0.1:${port}`,
    ],
    { timeoutMs: (seconds + 180) * 1000 },
  );
  if (r.error) console.error(r.stderr.slice(-2000));
  return { result: JSON.parse(readFileSync(out, 'utf8')), rssMb: r.maxRssKb / 1024 };
}

try {
  const small = await run(100);
  const big = await run(vus);
  const perVuKb = ((big.rssMb - small.rssMb) * 1024) / (vus - 100);
  console.log(
    '| VUs | iterations/s | http req/s | http_req_failed | peak RSS MB | RSS at 100 VUs | per VU | goal |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|---:|---|');
  const m = big.result.metrics;
  console.log(
    `| ${m.vus_max.values.max} | ${k(m.iterations?.values.rate ?? 0)} | ${k(m.http_reqs.values.rate)} | ${(m.http_req_failed.values.rate * 100).toFixed(2)}% | ${big.rssMb.toFixed(0)} | ${small.rssMb.toFixed(0)} | ${perVuKb.toFixed(1)} KB | ≤ 400 MB |`,
  );
} finally {
  target.stop();
}
