/** A VU outside any scenario, for setup() and teardown() in the main thread (id 0, as in k6). */

import type { VuState } from '../../script/runtime/vu-state.js';
import { VuHttp } from '../../script/vu-http/vu-http.js';

/** Creates the VU that runs `setup` or `teardown`. */
export function createStandaloneVu(
  name: 'setup' | 'teardown',
  tags: Record<string, string>,
): { state: VuState; abort: AbortController } {
  const abort = new AbortController();
  const state: VuState = {
    id: 0,
    idInInstance: 0,
    iteration: 0,
    iterationInScenario: 0,
    scenario: {
      name,
      executor: name,
      startTimeMs: 0,
      iterationsStarted: 0,
      iterationStride: 1,
      iterationOffset: 0,
      tags,
      env: {},
    },
    group: `::${name}`,
    tags: {},
    http: undefined as unknown as VuHttp,
    signal: abort.signal,
  };
  state.http = new VuHttp(() => state);
  return { state, abort };
}
