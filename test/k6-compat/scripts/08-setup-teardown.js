// setup() logs in and returns data every VU receives (a JSON copy per VU); teardown(data) gets the original data; both may make requests (counted in totals).
import http from 'k6/http';
import { check } from 'k6';

export const options = { vus: 2, iterations: 6 };

export function setup() {
  const res = http.post(`${__ENV.BASE_URL}/auth/login`, { email: 'test@example.com', password: 'password123' });
  check(res, { 'setup logged in': (r) => r.status === 200 });
  return { token: res.json('token'), startedAt: new Date(0), list: [1, 2, 3] };
}

export default function (data) {
  const res = http.get(`${__ENV.BASE_URL}/users/me`, { headers: { Authorization: `Bearer ${data.token}` } });
  // Each VU has its own copy of the data (k6 parses it once per VU): changes stay in that VU.
  data.owner ??= __VU;
  data.list.push(__VU);
  check(res, {
    'token from setup works': (r) => r.status === 200,
    'data is JSON (a Date became a string)': () => data.startedAt === '1970-01-01T00:00:00.000Z',
    'data is per VU': () => data.owner === __VU && data.list.slice(3).every((v) => v === __VU),
  });
}

export function teardown(data) {
  check(data, { 'teardown gets setup data': (d) => typeof d.token === 'string' && d.list.length === 3 });
  http.post(`${__ENV.BASE_URL}/echo`, 'teardown');
}
