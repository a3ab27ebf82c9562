// The k6 transform on real patterns: blocking helpers in another file, class methods, a callback passed to a local higher-order helper, forEach/map/filter/find with blocking callbacks, arrow functions, a blocking call inside a template literal and an expression.
import http from 'k6/http';
import { check, group, sleep } from 'k6';
import { Client, login, withRetry } from './lib/api-client.js';

export const options = { vus: 1, iterations: 2 };

const fetchStatus = (url) => http.get(url).status;

export default function () {
  const base = __ENV.BASE_URL;
  const client = new Client(base, login(base));
  check(client.items(5), { 'class method chain': (items) => items.length === 5 && items[0].id === 1 });
  client.pause();
  const retried = withRetry((i) => http.get(`${base}/status/${i === 0 ? 503 : 200}`), 3);
  check(retried, { 'callback through a local helper': (r) => r !== null && r.status === 200 });
  const paths = ['/ok', '/json', '/status/404'];
  const statuses = paths.map((p) => http.get(`${base}${p}`).status);
  check(statuses, { 'map keeps order': (s) => s.join() === '200,200,404' });
  const found = paths.find((p) => http.get(`${base}${p}`).status === 404);
  check(found, { 'find with a blocking predicate': (f) => f === '/status/404' });
  const good = paths.filter((p) => fetchStatus(`${base}${p}`) === 200);
  check(good, { 'filter with a blocking arrow helper': (g) => g.length === 2 });
  let seen = 0;
  paths.forEach((p) => {
    http.get(`${base}${p}`);
    seen++;
  });
  check(seen, { 'forEach ran sequentially to the end': (n) => n === 3 });
  const text = `status=${http.get(`${base}/ok`).status} body=${http.get(`${base}/ok`).body}`;
  check(text, { 'blocking calls inside a template': (t) => t === 'status=200 body=ok' });
  group('in a group', () => {
    sleep(0.01);
    check(fetchStatus(`${base}/ok`) + 1, { 'expression with a blocking call': (v) => v === 201 });
  });
}
