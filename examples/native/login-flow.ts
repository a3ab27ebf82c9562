/**
 * The user journey of examples/k6/login-flow.js — log in, read /users/me, list /items — written with Redline's native,
 * async API and TypeScript types. Same load shape and success criteria as the k6 script it
 * replaces (examples/k6/login-flow.js), in 1/10 of the time so it is quick to try.
 *
 * Against the bundled demo service (keeps serving until Ctrl-C):
 *   node dist/demo/main.js --port 3000 --fixed   # in this repository; from the npm package:
 *   node node_modules/redline/dist/demo/main.js --port 3000 --fixed
 *   npx redline run examples/native/login-flow.ts   # BASE_URL defaults to http://127.0.0.1:3000
 * Against any service with these routes: BASE_URL=https://staging.example.com npx redline run ...
 * A short smoke run: npx redline run examples/native/login-flow.ts --vus 2 --duration 10s
 */
import { check, fail, group, http, type Response, sleep } from 'redline';
import { Rate, Trend } from 'redline/metrics';

/** `__ENV`: the process environment plus `--env NAME=value` (k6's global). */
declare const __ENV: Record<string, string | undefined>;

interface LoginBody {
  token: string;
}

interface Item {
  id: number;
  title: string;
  priceCents: number;
  category: { id: number; name: string };
  seller: { id: number; name: string | null };
}

interface ItemsPage {
  items: Item[];
  page: { limit: number; offset: number };
}

export const options = {
  stages: [
    { duration: '30s', target: 10 }, // ramp up to 10 users
    { duration: '90s', target: 10 }, // stay at 10 users
    { duration: '30s', target: 30 }, // ramp up to 30 users (peak)
    { duration: '90s', target: 30 }, // stay at 30 users
    { duration: '30s', target: 0 }, // ramp down
  ],
  thresholds: {
    http_req_duration: ['p(50)<200', 'p(95)<500', 'p(99)<800'],
    errors: ['rate<0.01'],
    http_req_failed: ['rate<0.01'],
  },
};

// Custom metrics are declared once, in the init context.
const errors = new Rate('errors');
const responseTime = new Trend('response_time', true);

const USER = { email: 'test@example.com', password: 'password123' };

function baseUrl(): string {
  return __ENV['BASE_URL'] ?? 'http://127.0.0.1:3000';
}

/** Records the error rate (a status other than 200) and the response time of one request. */
function track(res: Response): void {
  errors.add(res.status !== 200);
  responseTime.add(res.timings.duration);
}

async function logIn(base: string): Promise<string> {
  const res = await http.post(`${base}/auth/login`, JSON.stringify(USER), {
    headers: { 'Content-Type': 'application/json' },
  });
  check(res, {
    'login status is 200': (r) => r.status === 200,
    'login time < 300ms': (r) => r.timings.duration < 300,
  });
  track(res);
  // Without a token the rest of the journey cannot run: end this iteration (counted as failed).
  if (res.status !== 200) fail(`login failed with status ${res.status}`);
  return (res.json() as LoginBody).token;
}

export default async function (): Promise<void> {
  const base = baseUrl();
  const token = await group('login', () => logIn(base));
  await sleep(1);

  const headers = { Authorization: `Bearer ${token}` };
  await group('profile', async () => {
    const res = await http.get(`${base}/users/me`, { headers });
    check(res, {
      'user fetch status is 200': (r) => r.status === 200,
      'user fetch time < 200ms': (r) => r.timings.duration < 200,
    });
    track(res);
  });
  await sleep(2);

  await group('items', async () => {
    const res = await http.get(`${base}/items?limit=20`, { headers });
    const page = res.status === 200 ? (res.json() as ItemsPage) : undefined;
    check(res, {
      'items fetch status is 200': (r) => r.status === 200,
      'items fetch time < 300ms': (r) => r.timings.duration < 300,
      'a page has 20 items': () => page?.items.length === 20,
    });
    track(res);
  });
  await sleep(3);
}
