// Patterns the k6 transform follows: the "random flow" array (flows[i]()), objects in an array,
// for...of over functions, a request inside a check() predicate, a k6chaijs-style describe().
import http from 'k6/http';
import { check, group } from 'k6';

const BASE = __ENV.BASE_URL;

function browse() {
  return http.get(`${BASE}/ok`, { tags: { name: 'browse' } });
}
function buy() {
  return http.get(`${BASE}/json`, { tags: { name: 'buy' } });
}
const flows = [browse, buy];
const named = [{ name: 'status', run: () => http.get(`${BASE}/status/201`) }];

function describe(name, fn) {
  return group(name, () => {
    try {
      fn();
      return true;
    } catch (error) {
      console.error(error);
      return false;
    }
  });
}

export const options = { vus: 1, iterations: 4 };

// k6-utils' randomItem, written as users copy it.
function randomItem(items) {
  return items[Math.floor(Math.random() * items.length)];
}

export default function () {
  const res = flows[__ITER % 2]();
  randomItem(flows)();
  check(res, { 'flow answered': (r) => r.status === 200 });
  for (const flow of flows) flow();
  check(named[0].run(), { 'named flow 201': (r) => r.status === 201 });
  check(null, {
    'request inside a check': () => http.get(`${BASE}/ok`, { tags: { name: 'in-check' } }).body === 'ok',
    'after it': () => true,
  });
  describe('chai-style', () => {
    const r = http.get(`${BASE}/json`, { tags: { name: 'described' } });
    check(r, { 'described ok': (x) => x.status === 200 });
  });
}
