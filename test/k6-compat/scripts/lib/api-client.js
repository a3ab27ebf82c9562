// A local module of the corpus: helpers that block (http, sleep) called from another file, a class with methods, and a higher-order helper.
import http from 'k6/http';
import { sleep } from 'k6';

export function login(base) {
  const res = http.post(`${base}/auth/login`, { email: 'test@example.com', password: 'password123' });
  return res.json('token');
}

export class Client {
  constructor(base, token) {
    this.base = base;
    this.token = token;
  }
  get(path) {
    return http.get(`${this.base}${path}`, { headers: { Authorization: `Bearer ${this.token}` } });
  }
  items(limit) {
    return this.get(`/items?limit=${limit}`).json('items');
  }
  pause() {
    sleep(0.01);
  }
}

export function withRetry(fn, attempts) {
  for (let i = 0; i < attempts; i++) {
    const res = fn(i);
    if (res.status === 200) return res;
  }
  return null;
}
