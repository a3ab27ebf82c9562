// A typical k6 script, unchanged except for the base URL: Redline runs k6 scripts as they are
// (k6/http is synchronous in k6; Redline rewrites the blocking calls for you).
//
// Against the bundled demo service (keeps serving until Ctrl-C):
//   node dist/demo/main.js --port 3000 --fixed   # in this repository; from the npm package:
//   node node_modules/redline/dist/demo/main.js --port 3000 --fixed
//   npx redline run examples/k6/login-flow.js   # BASE_URL defaults to http://127.0.0.1:3000
// or run it with k6 itself: k6 run -e BASE_URL=http://127.0.0.1:PORT examples/k6/login-flow.js
// A short smoke run: add --vus 2 --duration 10s
import http from 'k6/http';
import { check, sleep } from 'k6';
import { Rate, Trend } from 'k6/metrics';

// Custom metrics
const errorRate = new Rate('errors');
const responseTime = new Trend('response_time');

const BASE_URL = __ENV.BASE_URL || 'http://127.0.0.1:3000';

// Test configuration (its stages, in minutes)
export const options = {
  stages: [
    { duration: '5m', target: 100 }, // Ramp up to 100 users
    { duration: '15m', target: 100 }, // Stay at 100 users
    { duration: '5m', target: 300 }, // Ramp up to 300 users (peak)
    { duration: '15m', target: 300 }, // Stay at 300 users
    { duration: '5m', target: 0 }, // Ramp down to 0
  ],
  thresholds: {
    http_req_duration: ['p(50)<200', 'p(95)<500', 'p(99)<800'],
    errors: ['rate<0.01'],
    http_req_failed: ['rate<0.01'],
  },
};

export default function () {
  // Login (an object body is sent form-encoded, as in k6)
  const loginRes = http.post(`${BASE_URL}/auth/login`, {
    email: 'test@example.com',
    password: 'password123',
  });

  check(loginRes, {
    'login status is 200': (r) => r.status === 200,
    'login time < 300ms': (r) => r.timings.duration < 300,
  });

  errorRate.add(loginRes.status !== 200);
  responseTime.add(loginRes.timings.duration);

  sleep(1);

  // Get user data
  const headers = {
    Authorization: `Bearer ${loginRes.json('token')}`,
  };

  const userRes = http.get(`${BASE_URL}/users/me`, { headers });

  check(userRes, {
    'user fetch status is 200': (r) => r.status === 200,
    'user fetch time < 200ms': (r) => r.timings.duration < 200,
  });

  errorRate.add(userRes.status !== 200);
  responseTime.add(userRes.timings.duration);

  sleep(2);

  // List items
  const itemsRes = http.get(`${BASE_URL}/items?limit=20`, { headers });

  check(itemsRes, {
    'items fetch status is 200': (r) => r.status === 200,
    'items fetch time < 300ms': (r) => r.timings.duration < 300,
  });

  errorRate.add(itemsRes.status !== 200);
  responseTime.add(itemsRes.timings.duration);

  sleep(3);
}
