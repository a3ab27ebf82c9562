// Per-VU init context (k6): every VU runs the init code itself — its own random pick, its own
// module state (a top-level counter, a local module's state), __VU set during its init — while
// SharedArray data is built once and shared, open() works in init only, and the options are read once.
import { check } from 'k6';
import { SharedArray } from 'k6/data';
import { Counter } from 'k6/metrics';
import { bump } from './lib/per-vu-state.js';

globalThis.__perVuInitRuns = (globalThis.__perVuInitRuns ?? 0) + 1;
const users = new SharedArray('users', () => {
  globalThis.__perVuArrayBuilds = (globalThis.__perVuArrayBuilds ?? 0) + 1;
  return JSON.parse(open('./data/users.json'));
});
const names = [];
for (let i = 0; i < 40; i++) names.push(`user-${i}`);
const user = names[Math.floor(Math.random() * names.length)];
const initVu = __VU;
let counter = 0;
const picks = new Counter('user_picks');
const sharedRef = (globalThis.__perVuShared ??= []);
sharedRef.push(users);

export const options = {
  scenarios: { each: { executor: 'per-vu-iterations', vus: 6, iterations: 3 } },
  // Read once, from the first run of the init code (k6: __VU is 0 there).
  tags: { optionsVu: String(__VU) },
};

export default function () {
  counter++;
  if (__ITER === 0) picks.add(1, { user });
  check(null, {
    'top-level counter is per VU': () => counter === __ITER + 1,
    'local module state is per VU': () => bump() === __ITER + 1,
    '__VU in init is the VU': () => initVu === __VU && initVu > 0,
    'SharedArray built once per thread': () => globalThis.__perVuArrayBuilds === 1,
    'SharedArray data shared': () => users.length === 4 && users[0] === sharedRef[0][0],
    'open() outside the init context throws': () => {
      try {
        open('./data/users.json');
        return false;
      } catch (error) {
        return /can only be called in the init context/.test(String(error));
      }
    },
  });
}
