// fail() ends the iteration and is counted as a failed iteration (tagged error); an exception in an iteration is counted and the test goes on; checks after fail() do not run.
import http from 'k6/http';
import { check, fail } from 'k6';

export const options = { vus: 1, iterations: 6 };

export default function () {
  const res = http.get(`${__ENV.BASE_URL}/ok`);
  if (__ITER % 3 === 1) fail(`unlucky iteration ${__ITER % 3}`);
  if (__ITER % 3 === 2) JSON.parse('{not json');
  check(res, { 'reached the end': (r) => r.status === 200 });
}
