/**
 * `k6/execution` shim. The default export is `exec` (`exec.vu.idInTest`). The named exports
 * `vu`, `scenario` and `instance` (`import { scenario } from 'k6/execution'`, as in k6's docs)
 * are live views: each property is read when the script reads it (in an iteration), not when the
 * module loads, so `scenario.iterationInTest` is the current iteration's as in k6.
 */
import { exec } from '../../api/execution.js';

/** An object whose properties are read from `source()` at each access. */
function liveView<T extends object>(source: () => T, keys: readonly (keyof T & string)[]): T {
  const view = {} as T;
  for (const key of keys) {
    Object.defineProperty(view, key, { enumerable: true, get: () => source()[key] });
  }
  return view;
}

/** The running VU (`vu.idInTest`, `vu.iterationInScenario`, ...), read at each access. */
export const vu: typeof exec.vu = liveView(
  () => exec.vu,
  ['idInTest', 'idInInstance', 'iterationInInstance', 'iterationInScenario', 'tags', 'metrics'],
);

/** The running scenario (`scenario.name`, `scenario.iterationInTest`, ...), read at each access. */
export const scenario: typeof exec.scenario = liveView(
  () => exec.scenario,
  ['name', 'executor', 'startTime', 'progress', 'iterationInInstance', 'iterationInTest'],
);

/** This instance's counters (`instance.vusActive`, ...), read at each access. */
export const instance: typeof exec.instance = liveView(
  () => exec.instance,
  [
    'iterationsCompleted',
    'iterationsInterrupted',
    'vusActive',
    'vusInitialized',
    'currentTestRunDuration',
  ],
);

/** `test.abort()`, `test.fail()`, `test.options`. */
export const test = exec.test;
export default exec;
