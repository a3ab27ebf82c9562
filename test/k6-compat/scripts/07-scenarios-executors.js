// Several scenarios with different executors, exec functions, scenario tags and env, startTime, and thresholds per scenario.
import http from 'k6/http';
import { check, sleep } from 'k6';
import exec from 'k6/execution';

export const options = {
  scenarios: {
    browse: {
      executor: 'constant-vus',
      vus: 2,
      duration: '1500ms',
      exec: 'browse',
      tags: { flow: 'browse' },
    },
    buy: {
      executor: 'shared-iterations',
      vus: 2,
      iterations: 6,
      exec: 'buy',
      env: { PRODUCT: 'p42' },
      startTime: '200ms',
    },
    api: {
      executor: 'constant-arrival-rate',
      rate: 10,
      timeUnit: '1s',
      duration: '1s',
      preAllocatedVUs: 2,
      exec: 'api',
    },
    each: {
      executor: 'per-vu-iterations',
      vus: 2,
      iterations: 2,
      exec: 'api',
    },
    ramp: {
      executor: 'ramping-vus',
      startVUs: 0,
      stages: [{ duration: '500ms', target: 2 }, { duration: '500ms', target: 0 }],
      gracefulRampDown: '1s', // a ramped-down VU finishes its iteration: on a starved machine 0s could cut every one
      exec: 'browse',
    },
    arrivals: {
      executor: 'ramping-arrival-rate',
      startRate: 4,
      timeUnit: '1s',
      preAllocatedVUs: 2,
      stages: [{ duration: '1s', target: 8 }],
      exec: 'api',
    },
  },
  thresholds: {
    'http_reqs{scenario:buy}': ['count==6'],
    'http_reqs{scenario:each}': ['count==4'],
    'iterations{flow:browse}': ['count>0'],
    'http_req_duration{scenario:api}': ['p(95)<2000'],
  },
};

export function browse() {
  check(http.get(`${__ENV.BASE_URL}/ok`), { 'browse ok': (r) => r.status === 200 });
  sleep(0.1);
}

export function buy() {
  const res = http.post(`${__ENV.BASE_URL}/echo`, { product: __ENV.PRODUCT });
  check(res, {
    'scenario env': (r) => r.json('body') === 'product=p42',
    'scenario name': () => exec.scenario.name === 'buy',
  });
}

export function api() {
  http.get(`${__ENV.BASE_URL}/json`);
}

export default function () {
  throw new Error('default must not run: every scenario has exec');
}
