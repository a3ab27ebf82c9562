/**
 * `k6/execution` shim. Use the default export (`exec.vu.idInTest`); `vu`, `scenario` and
 * `instance` are per-call getters there, so they cannot be named ES exports (a named export would
 * be read once, in the init context). `test` is static and exported by name too.
 */
import { exec } from '../../api/execution.js';

export const test = exec.test;
export default exec;
