// `import { scenario, vu, instance } from 'k6/execution'` (k6's docs use it): live values.
import exec, { instance, scenario, vu } from 'k6/execution';
import { check } from 'k6';
import { Counter } from 'k6/metrics';

export const options = {
  scenarios: { s: { executor: 'shared-iterations', vus: 2, iterations: 6 } },
};

const seen = new Counter('iteration_in_test');

export default function () {
  seen.add(1, { i: String(scenario.iterationInTest) });
  check(null, {
    'scenario.iterationInTest is the current one': () =>
      scenario.iterationInTest === exec.scenario.iterationInTest,
    'scenario.name': () => scenario.name === 's' && scenario.executor === 'shared-iterations',
    'vu.idInTest is the VU': () => vu.idInTest === __VU,
    'vu.iterationInScenario is __ITER': () => vu.iterationInScenario === __ITER,
    'instance reads exec.instance': () =>
      instance.iterationsCompleted === exec.instance.iterationsCompleted &&
      instance.vusActive === exec.instance.vusActive,
  });
}
