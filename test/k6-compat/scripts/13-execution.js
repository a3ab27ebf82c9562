// k6/execution: vu.idInTest, vu.iterationInInstance, vu.iterationInScenario, scenario.name/executor/iterationInTest, instance counters, vu.tags added to metrics, test.options; __VU and __ITER agree.
import http from 'k6/http';
import { check } from 'k6';
import exec from 'k6/execution';

export const options = {
  scenarios: { pool: { executor: 'shared-iterations', vus: 3, iterations: 9 } },
  thresholds: { 'http_reqs{tier:gold}': ['count==9'] },
};

export default function () {
  exec.vu.tags.tier = 'gold';
  http.get(`${__ENV.BASE_URL}/echo?vu=${exec.vu.idInTest}&iter=${exec.scenario.iterationInTest}`);
  check(exec, {
    'vu id matches __VU': (e) => e.vu.idInTest === __VU && __VU >= 1 && __VU <= 3,
    'iteration matches __ITER': (e) => e.vu.iterationInInstance === __ITER && e.vu.iterationInScenario === __ITER,
    'scenario info': (e) => e.scenario.name === 'pool' && e.scenario.executor === 'shared-iterations',
    'iterationInTest in range': (e) => e.scenario.iterationInTest >= 0 && e.scenario.iterationInTest < 9,
    'instance counters': (e) => e.instance.vusInitialized >= 1 && e.instance.currentTestRunDuration > 0,
    'test options': (e) => e.test.options.scenarios === undefined || typeof e.test.options === 'object',
  });
}
