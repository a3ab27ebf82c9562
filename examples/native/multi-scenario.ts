/**
 * Two kinds of traffic at once, each with its own load model and thresholds (native API):
 *   - `browsers`: anonymous readers arriving at a fixed rate (open model), reading items by id;
 *   - `shoppers`: signed-in users ramping up and down (closed model), listing pages of items.
 * setup() signs in once; its JSON result reaches every VU (`data.token`). teardown() and
 * handleSummary() show the rest of the lifecycle.
 *
 * Against the bundled demo service (keeps serving until Ctrl-C):
 *   node dist/demo/main.js --port 3000 --fixed   # in this repository; from the npm package:
 *   node node_modules/redline/dist/demo/main.js --port 3000 --fixed
 *   npx redline run examples/native/multi-scenario.ts   # BASE_URL defaults to http://127.0.0.1:3000
 * A smoke run of every scenario for a few seconds: SMOKE=1 npx redline run examples/native/multi-scenario.ts
 */
import { check, exec, http, sleep } from 'redline';
import { Counter } from 'redline/metrics';

declare const __ENV: Record<string, string | undefined>;

/** What setup() returns (it must be JSON): every VU receives it. */
interface SetupData {
  token: string;
  itemIds: number[];
}

const smoke = __ENV['SMOKE'] === '1';
const base = (): string => __ENV['BASE_URL'] ?? 'http://127.0.0.1:3000';

export const options = {
  scenarios: {
    browsers: {
      executor: 'constant-arrival-rate',
      exec: 'browse',
      rate: smoke ? 5 : 50, // iterations started per second, whatever the response times
      timeUnit: '1s',
      duration: smoke ? '2s' : '2m',
      preAllocatedVUs: 5,
      maxVUs: 50,
      tags: { traffic: 'anonymous' },
    },
    shoppers: {
      executor: 'ramping-vus',
      exec: 'shop',
      startVUs: 0,
      stages: smoke
        ? [{ duration: '2s', target: 2 }]
        : [
            { duration: '30s', target: 20 },
            { duration: '1m', target: 20 },
            { duration: '30s', target: 0 },
          ],
      tags: { traffic: 'signed-in' },
    },
  },
  thresholds: {
    // Sub-metric thresholds: one budget per kind of traffic (tags select the series).
    'http_req_duration{traffic:anonymous}': ['p(95)<200'],
    'http_req_duration{traffic:signed-in}': ['p(95)<500'],
    http_req_failed: ['rate<0.01'],
    checks: ['rate>0.99'],
  },
};

const pagesRead = new Counter('pages_read');

export async function setup(): Promise<SetupData> {
  const login = await http.post(
    `${base()}/auth/login`,
    JSON.stringify({ email: 'test@example.com', password: 'password123' }),
    {
      headers: { 'Content-Type': 'application/json' },
    },
  );
  if (login.status !== 200) throw new Error(`setup: login failed with status ${login.status}`);
  const token = login.json('token') as string;
  const page = await http.get(`${base()}/items?limit=50`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  return { token, itemIds: page.json('items.#.id') as number[] };
}

/** `browsers`: one public read per iteration; the `name` tag groups every id under one series. */
export async function browse(data: SetupData): Promise<void> {
  const id = data.itemIds[exec.scenario.iterationInTest % data.itemIds.length];
  const res = await http.get(`${base()}/items/${id}`, { tags: { name: 'GET /items/:id' } });
  check(res, { 'item is 200': (r) => r.status === 200 });
}

/** `shoppers`: pages through the catalogue with the shared token, thinking between pages. */
export async function shop(data: SetupData): Promise<void> {
  const headers = { Authorization: `Bearer ${data.token}` };
  for (let offset = 0; offset < 60; offset += 20) {
    const res = await http.get(`${base()}/items?limit=20&offset=${offset}`, {
      headers,
      tags: { name: 'items page' },
    });
    if (check(res, { 'page is 200': (r) => r.status === 200 })) pagesRead.add(1);
    await sleep(smoke ? 0.1 : 1);
  }
}

/** Runs when the CLI replaces the scenarios (e.g. --vus 2 --duration 10s): one of each. */
export default async function (data: SetupData): Promise<void> {
  await browse(data);
  await shop(data);
}

export function teardown(data: SetupData): void {
  console.log(`teardown: the test read ${data.itemIds.length} different items`);
}

/** Replaces the default summary: a one-line verdict on stdout, and JSON to a file when asked. */
export function handleSummary(data: {
  metrics: Record<string, { values: Record<string, number> }>;
}): Record<string, string> {
  const reqs = data.metrics['http_reqs']?.values['count'] ?? 0;
  const p95 = data.metrics['http_req_duration']?.values['p(95)'] ?? 0;
  const out: Record<string, string> = {
    stdout: `\n${reqs} requests, p(95) ${p95.toFixed(1)} ms\n`,
  };
  if (__ENV['SUMMARY_JSON']) out[__ENV['SUMMARY_JSON']] = JSON.stringify(data, null, 2);
  return out;
}
