// A script written for production (hard-coded https://api.example.com): run against the local server with --host and a scheme downgrade, no edit.
import http from 'k6/http';
import { check } from 'k6';

export const options = { vus: 1, iterations: 2, thresholds: { 'http_reqs{name:https://api.example.com/users/me}': ['count==2'] } };

const API = 'https://api.example.com';

export default function () {
  const login = http.post(`${API}/auth/login`, { email: 'test@example.com', password: 'password123' });
  check(login, { 'login through the host flag': (r) => r.status === 200 });
  const me = http.get(`${API}/users/me`, { headers: { Authorization: `Bearer ${login.json('token')}` } });
  check(me, {
    'me through the host flag': (r) => r.status === 200,
    'url stays the original': (r) => r.url.startsWith('http://127.0.0.1') || r.url.startsWith('https://api.example.com'),
  });
  check(http.get('http://plain.example.com/ok'), { 'second rule (plain http)': (r) => r.body === 'ok' });
}
