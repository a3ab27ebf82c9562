// Nested groups: the group tag (::outer::inner), group_duration per group, checks inside groups, group() return values.
import http from 'k6/http';
import { check, group } from 'k6';

export const options = {
  vus: 1,
  iterations: 4,
  thresholds: {
    'group_duration{group:::shop}': ['max<5000'],
    'group_duration{group:::shop::cart}': ['max<5000', 'avg>0'],
    'http_reqs{group:::shop::cart}': ['count==8'],
  },
};

function addToCart(base) {
  const res = http.post(`${base}/echo`, JSON.stringify({ id: 1 }), { headers: { 'Content-Type': 'application/json' } });
  check(res, { 'added': (r) => r.json('method') === 'POST' });
  return res.status;
}

export default function () {
  const base = __ENV.BASE_URL;
  const value = group('shop', function () {
    http.get(`${base}/ok`);
    group('cart', () => {
      addToCart(base);
      addToCart(base);
    });
    return 'shopped';
  });
  check(value, { 'group returns the function result': (v) => v === 'shopped' });
  group('account', () => {
    check(http.get(`${base}/ok`), { 'account ok': (r) => r.status === 200 });
  });
}
