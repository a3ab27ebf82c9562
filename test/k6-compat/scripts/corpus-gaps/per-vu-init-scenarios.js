// Per-VU init across scenarios: every VU of every scenario runs the init code for its own state,
// as in k6 (two scenarios running at once never share a VU there either).
import { check } from 'k6';
import exec from 'k6/execution';
import { Counter } from 'k6/metrics';

export const options = {
  scenarios: {
    a: { executor: 'per-vu-iterations', vus: 2, iterations: 3, exec: 'a' },
    b: { executor: 'per-vu-iterations', vus: 2, iterations: 3, exec: 'b' },
  },
};

const inits = new Counter('init_copies');
let calls = 0;
const token = `t-${Math.random()}`;
let owner;

function step(name) {
  calls += 1;
  owner ??= `${exec.scenario.name}/${exec.vu.idInTest}`;
  inits.add(calls === 1 ? 1 : 0, { owner });
  check(calls, {
    [`${name}: module state is this VU's own`]: (n) =>
      n === exec.vu.iterationInScenario + 1 && owner === `${exec.scenario.name}/${exec.vu.idInTest}`,
    [`${name}: token set in init`]: () => token.startsWith('t-'),
  });
}

export function a() {
  step('a');
}

export function b() {
  step('b');
}
