// A threshold with abortOnFail stops the test early (exit code 99), after delayAbortEval; the other thresholds are still reported.
import http from 'k6/http';
import { check, sleep } from 'k6';

export const options = {
  scenarios: {
    long: { executor: 'constant-vus', vus: 2, duration: '20s' },
  },
  thresholds: {
    checks: [{ threshold: 'rate>0.9', abortOnFail: true, delayAbortEval: '300ms' }],
    http_reqs: ['count>0'],
  },
};

export default function () {
  const res = http.get(`${__ENV.BASE_URL}/status/500`);
  check(res, { 'is 200': (r) => r.status === 200 });
  sleep(0.05);
}
