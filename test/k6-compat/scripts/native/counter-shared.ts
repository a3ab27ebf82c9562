// A native script without per-VU init: one module instance per thread serves every VU.
import { check } from 'redline';
let counter = 0;
export const options = { scenarios: { each: { executor: 'per-vu-iterations', vus: 3, iterations: 2 } } };
export default function () {
  counter++;
  check(null, { 'counter is shared by the VUs': () => counter > 0 });
  (globalThis as Record<string, unknown>).__nativeCounter = counter;
}
