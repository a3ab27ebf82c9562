// k6's async side: asyncRequest with await and Promise.all, k6/timers setTimeout/clearTimeout, an async default function.
import http from 'k6/http';
import { check } from 'k6';
import { setTimeout, clearTimeout } from 'k6/timers';

export const options = { vus: 1, iterations: 2 };

function wait(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export default async function () {
  const base = __ENV.BASE_URL;
  const [a, b] = await Promise.all([http.asyncRequest('GET', `${base}/delay/50`), http.asyncRequest('POST', `${base}/echo`, 'x')]);
  check(a, { 'asyncRequest resolves': (r) => r.json('delayed') === 50 });
  check(b, { 'asyncRequest with a body': (r) => r.json('body') === 'x' });
  let fired = false;
  const t = setTimeout(() => {
    fired = true;
  }, 5);
  clearTimeout(t);
  const started = Date.now();
  await wait(30);
  check(null, { 'setTimeout waits': () => Date.now() - started >= 25, 'clearTimeout cancels': () => fired === false });
  const sync = http.get(`${base}/ok`);
  check(sync, { 'a blocking call in an async function': (r) => r.body === 'ok' });
}
