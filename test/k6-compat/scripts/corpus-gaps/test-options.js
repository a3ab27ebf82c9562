// exec.test.options in k6's consolidated shape: the stages shortcut is scenarios.default.
import exec from 'k6/execution';
import { check } from 'k6';

export const options = {
  stages: [
    { duration: '200ms', target: 2 },
    { duration: '200ms', target: 1 },
  ],
  thresholds: { checks: ['rate==1'], iterations: [{ threshold: 'count>0', abortOnFail: true }] },
};

export default function () {
  const o = exec.test.options;
  check(o, {
    'scenarios.default is ramping-vus': (v) => v.scenarios.default.executor === 'ramping-vus',
    'stages as written': (v) =>
      v.scenarios.default.stages[0].target === 2 && v.scenarios.default.stages[1].duration === '200ms',
    'thresholds as written': (v) =>
      v.thresholds.checks[0] === 'rate==1' && v.thresholds.iterations[0].abortOnFail === true,
    'read-only': (v) => Object.isFrozen(v) && Object.isFrozen(v.scenarios.default),
  });
}
