/** A scenario's VU-facing info for unit tests of VUs and script APIs (no tags, env or shards). */
import type { ScenarioInfo } from '../../src/script/runtime/vu-state.js';

/** The ScenarioInfo of a one-shard scenario `name` run by `executor`, no iteration started yet. */
export function scenarioInfo(name: string, executor = 'constant-vus'): ScenarioInfo {
  return {
    name,
    executor,
    startTimeMs: 0,
    iterationsStarted: 0,
    iterationStride: 1,
    iterationOffset: 0,
    tags: {},
    env: {},
  };
}
