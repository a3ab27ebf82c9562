// exec.test.fail() marks the test as failed (exit code 110) and lets it finish.
import http from 'k6/http';
import exec from 'k6/execution';

export const options = { vus: 1, iterations: 3 };

export default function () {
  http.get(`${__ENV.BASE_URL}/ok`);
  if (__ITER === 1) exec.test.fail('found a problem');
}
