// setup() logs in and returns data every VU receives (JSON-cloned); teardown(data) gets the same data; both may make requests (counted in totals).
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
  check(res, {
    'token from setup works': (r) => r.status === 200,
    'data is JSON-cloned': () => data.startedAt === '1970-01-01T00:00:00.000Z' && data.list.length === 3,
  });
  data.list.push(4);
}

export function teardown(data) {
  check(data, { 'teardown gets setup data': (d) => typeof d.token === 'string' && d.list.length === 3 });
  http.post(`${__ENV.BASE_URL}/echo`, 'teardown');
}
