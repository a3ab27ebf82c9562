/** k6's globals for scripts: `__VU`, `__ITER`, `__ENV` and `open`, installed once per thread. */

import { hasKeys } from '../../util/has-keys.js';
import { threadRuntime } from '../runtime/thread-runtime.js';
import { currentVu, initVuContext } from '../runtime/vu-state.js';
import { open } from './shared-data.js';

let installed = false;

/** Defines the globals on globalThis (idempotent). */
export function installScriptGlobals(): void {
  if (installed) return;
  installed = true;
  Object.defineProperties(globalThis, {
    __VU: {
      get: () => currentVu()?.id ?? initVuContext.getStore()?.id ?? 0,
      configurable: true,
    },
    __ITER: { get: () => currentVu()?.iteration ?? 0, configurable: true },
    __ENV: {
      get: () => {
        const vu = currentVu();
        const env = threadRuntime().env;
        // Read on every use (`__ENV.BASE_URL` in each request): no key array is built.
        return vu && hasKeys(vu.scenario.env) ? { ...env, ...vu.scenario.env } : env;
      },
      configurable: true,
    },
    open: { value: open, writable: true, configurable: true },
  });
}
