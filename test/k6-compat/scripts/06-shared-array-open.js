// SharedArray built from open()'d JSON and CSV files in the init context, read by VUs with __VU and __ITER; open() binary mode; open() in a local module reads next to that module; open() outside init fails.
import http from 'k6/http';
import { check } from 'k6';
import { SharedArray } from 'k6/data';
import { greeting } from './lib/fixtures.js';

const users = new SharedArray('users', function () {
  return JSON.parse(open('./data/users.json'));
});
const products = new SharedArray('products', () =>
  open('./data/products.csv')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => ({ id: Number(line.split(',')[0]), name: line.split(',')[1] })),
);
const bytes = open('./data/users.json', 'b');

export const options = {
  scenarios: {
    readers: { executor: 'per-vu-iterations', vus: 2, iterations: 3 },
  },
};

export default function () {
  const user = users[(__VU - 1 + __ITER) % users.length];
  const product = products[__ITER % products.length];
  const res = http.post(`${__ENV.BASE_URL}/echo`, { email: user.email, product: product.name }, { tags: { plan: user.plan } });
  check(res, {
    'shared data sent': (r) => r.json('body') === `email=${encodeURIComponent(user.email)}&product=${product.name}`,
    'length and iteration': () => users.length === 4 && products.length === 3,
    'items are frozen': () => Object.isFrozen(users[0]),
    'binary open is an ArrayBuffer': () => bytes instanceof ArrayBuffer && bytes.byteLength > 10,
    'array helpers': () => users.filter((u) => u.plan === 'free').length === 2 && products.map((p) => p.id).join() === '1,2,3',
    'spread and for-of': () => [...products].length === 3,
    'open() in a module is relative to that module': () => greeting === 'hello from lib',
  });
  let refused = false;
  try {
    open('./data/users.json');
  } catch (e) {
    refused = true;
  }
  check(refused, { 'open() outside the init context throws': (v) => v === true });
}
