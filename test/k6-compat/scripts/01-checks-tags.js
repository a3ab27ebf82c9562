// Checks: predicates and plain booleans, per-check tags, a failing check, thresholds on checks sub-metrics.
import http from 'k6/http';
import { check } from 'k6';

export const options = {
  iterations: 10,
  vus: 2,
  thresholds: {
    checks: ['rate>0.5'],
    'checks{kind:status}': ['rate==1'],
    'checks{kind:body}': ['rate<1'],
  },
};

export default function () {
  const res = http.get(`${__ENV.BASE_URL}/json`);
  const ok = check(res, { 'status is 200': (r) => r.status === 200, 'is json': (r) => r.headers['Content-Type'] === 'application/json' }, { kind: 'status' });
  check(res, {
    'has user': (r) => r.json('user.name') === 'Ada',
    'never true': () => false,
    'plain boolean': ok,
  }, { kind: 'body' });
}
