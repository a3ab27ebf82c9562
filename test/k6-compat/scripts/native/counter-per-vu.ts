// A native script that opts in to per-VU init (as k6 scripts have it).
import { check } from 'redline';
let counter = 0;
export const perVuInit = true;
export const options = { scenarios: { each: { executor: 'per-vu-iterations', vus: 3, iterations: 2 } } };
export default function () {
  counter++;
  check(null, { 'counter is per VU': () => counter === (globalThis as { __ITER?: number }).__ITER! + 1 });
}
