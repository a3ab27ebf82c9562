// Every k6/http method, request(), bodies (form object, JSON string), headers, redirects, gzip and response.json selectors.
import http from 'k6/http';
import { check } from 'k6';

export const options = { vus: 1, iterations: 2 };

export default function () {
  const base = __ENV.BASE_URL;
  const form = http.post(`${base}/echo`, { email: 'a@b.c', n: 1 });
  check(form, {
    'post form encoded': (r) => r.json('headers.content-type') === 'application/x-www-form-urlencoded' && r.json('body') === 'email=a%40b.c&n=1',
  });
  const json = http.put(`${base}/echo`, JSON.stringify({ a: 1 }), { headers: { 'Content-Type': 'application/json', 'X-Trace': 'k6' } });
  check(json, {
    'put json': (r) => r.json('method') === 'PUT' && r.json('body') === '{"a":1}',
    'custom header sent': (r) => r.json('headers.x-trace') === 'k6',
    'request echoed': (r) => r.request.method === 'PUT' && r.request.headers['X-Trace'][0] === 'k6',
  });
  check(http.patch(`${base}/echo`, 'raw'), { 'patch': (r) => r.json('method') === 'PATCH' && r.json('body') === 'raw' });
  check(http.del(`${base}/echo`), { 'del': (r) => r.json('method') === 'DELETE' });
  check(http.head(`${base}/ok`), { 'head has no body': (r) => r.status === 200 && (r.body === '' || r.body === null) });
  check(http.options(`${base}/echo`), { 'options': (r) => r.json('method') === 'OPTIONS' });
  check(http.request('GET', `${base}/echo?x=1`), { 'request()': (r) => r.json('url') === '/echo?x=1' });
  const redirected = http.get(`${base}/redirect`);
  check(redirected, { 'redirect followed': (r) => r.status === 200 && r.url.endsWith('/ok') && r.body === 'ok' });
  check(http.get(`${base}/redirect`, { redirects: 0 }), { 'redirects: 0 stops': (r) => r.status === 302 });
  check(http.get(`${base}/gzip`), { 'gzip decoded': (r) => r.json('compressed') === true });
  const doc = http.get(`${base}/json`);
  check(doc, {
    'json() whole': (r) => r.json().user.name === 'Ada',
    'selector nested': (r) => r.json('user.roles.1') === 'dev',
    'selector length': (r) => r.json('items.#') === 3,
    'selector collect': (r) => JSON.stringify(r.json('items.#.id')) === '[1,2,3]',
    'selector escaped dot': (r) => r.json('dotted\\.key') === 7,
    'missing path undefined': (r) => r.json('user.nope') === undefined,
    'timings present': (r) => r.timings.duration > 0 && r.timings.waiting > 0,
    'status_text': (r) => r.status_text === '200 OK',
  });
  const missing = http.get(`${base}/status/404`);
  check(missing, { '404 seen': (r) => r.status === 404 });
}
