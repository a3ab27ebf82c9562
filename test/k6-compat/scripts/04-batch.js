// http.batch in its three entry forms (URL string, [method, url, body, params] array, {method, url} object) and both shapes (array, object).
import http from 'k6/http';
import { check } from 'k6';

export const options = { vus: 1, iterations: 3 };

export default function () {
  const base = __ENV.BASE_URL;
  const list = http.batch([
    `${base}/ok`,
    ['POST', `${base}/echo`, 'payload', { tags: { name: 'batch-post' } }],
    { method: 'PUT', url: `${base}/echo`, body: { a: '1' }, params: { headers: { 'X-Batch': 'yes' } } },
    { url: `${base}/json` },
  ]);
  check(list, {
    'array in, array out': (r) => Array.isArray(r) && r.length === 4,
    'order kept': (r) => r[0].body === 'ok' && r[1].json('method') === 'POST' && r[2].json('method') === 'PUT' && r[3].json('user.name') === 'Ada',
    'array entry body': (r) => r[1].json('body') === 'payload',
    'object entry params': (r) => r[2].json('headers.x-batch') === 'yes' && r[2].json('body') === 'a=1',
  });
  const named = http.batch({
    home: `${base}/ok`,
    profile: ['GET', `${base}/json`],
    missing: { method: 'GET', url: `${base}/status/404` },
  });
  check(named, {
    'object in, object out': (r) => Object.keys(r).sort().join() === 'home,missing,profile',
    'keys map to responses': (r) => r.home.body === 'ok' && r.profile.json('user.name') === 'Ada' && r.missing.status === 404,
  });
}
