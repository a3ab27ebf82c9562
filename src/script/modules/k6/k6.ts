/**
 * `k6` shim: check, group, sleep, fail, randomSeed. `group` stays synchronous for synchronous
 * bodies (k6 semantics) and returns a promise only when the body is async (after the k6 transform
 * made it async because it calls blocking APIs; the transform awaits such groups).
 */

import { BUILTIN_METRICS } from '../../../metrics/builtin.js';
import { isThenable } from '../../../util/is-thenable.js';
import { check } from '../../api/checks.js';
import { fail, sleep } from '../../api/flow.js';
import { contextTags } from '../../api/sample-tags.js';
import { threadRuntime } from '../../runtime/thread-runtime.js';
import { requireVu } from '../../runtime/vu-state.js';

export { check, fail, sleep };

/** k6 `group(name, fn)`: runs fn tagged with the group, records group_duration, returns fn's result. */
export function group<T>(name: string, fn: () => T): T {
  const vu = requireVu('group()');
  if (name.includes('::')) throw new Error(`group name "${name}" must not contain "::"`);
  const parent = vu.group;
  vu.group = `${parent}::${name}`;
  const started = performance.now();
  const end = () => {
    threadRuntime()
      .registry.trend(BUILTIN_METRICS.group_duration, contextTags())
      .add(performance.now() - started);
    vu.group = parent;
  };
  let result: T;
  try {
    result = fn();
  } catch (error) {
    end();
    throw error;
  }
  if (isThenable(result)) {
    return Promise.resolve(result).finally(end) as T;
  }
  end();
  return result;
}

/** k6 `randomSeed(n)`: makes Math.random repeatable in this thread (mulberry32). */
export function randomSeed(seed: number): void {
  let state = seed >>> 0;
  Math.random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export default { check, group, sleep, fail, randomSeed };
