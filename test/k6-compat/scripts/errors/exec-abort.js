// exec.test.abort() stops the test: exit code 108, the iterations before it are kept.
import http from 'k6/http';
import exec from 'k6/execution';

export const options = { scenarios: { s: { executor: 'shared-iterations', vus: 1, iterations: 50 } } };

export default function () {
  http.get(`${__ENV.BASE_URL}/ok`);
  if (exec.scenario.iterationInTest === 4) exec.test.abort('enough data');
}
