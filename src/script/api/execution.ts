/** Execution information for scripts (k6's `k6/execution`): the VU, scenario, instance and test. */
import { globalSingleton } from '../../util/global-singleton.js';
import { threadRuntime } from '../runtime/thread-runtime.js';
import { currentVu, IterationAbort, requireVu } from '../runtime/vu-state.js';

/** Counters the engine keeps per thread for `exec.instance`. */
export const instanceCounters: {
  iterationsCompleted: number;
  iterationsInterrupted: number;
  vusActive: number;
  vusInitialized: number;
} = globalSingleton('redline.instanceCounters', () => ({
  iterationsCompleted: 0,
  iterationsInterrupted: 0,
  vusActive: 0,
  vusInitialized: 0,
}));

/** The `exec` object (k6/execution's default export). */
export const exec = {
  get vu() {
    const vu = requireVu('exec.vu');
    return {
      idInTest: vu.idInTest ?? vu.id,
      idInInstance: vu.idInInstance,
      iterationInInstance: vu.iteration,
      // Per VU (k6): this VU's iteration number in its scenario; VUs belong to one scenario here.
      iterationInScenario: vu.iteration,
      tags: vu.tags,
      metrics: { tags: vu.tags, metadata: {} as Record<string, string> },
    };
  },
  get scenario() {
    const vu = requireVu('exec.scenario');
    const rt = threadRuntime();
    return {
      name: vu.scenario.name,
      executor: vu.scenario.executor,
      startTime: rt.testStart + vu.scenario.startTimeMs + performance.timeOrigin,
      progress: 0,
      // This iteration's number among the scenario's iterations on this shard (k6: in this instance).
      iterationInInstance:
        vu.iterationInShard ??
        Math.max(
          0,
          (vu.iterationInScenario - vu.scenario.iterationOffset) / vu.scenario.iterationStride,
        ),
      iterationInTest: vu.iterationInScenario,
    };
  },
  get instance() {
    const rt = threadRuntime();
    return { ...instanceCounters, currentTestRunDuration: performance.now() - rt.testStart };
  },
  test: {
    /** Stops the whole test (exit code 108). */
    abort(message = 'test aborted by the script') {
      threadRuntime().abortTest(message);
      // Ends the iteration as interrupted (not as a script error), as k6 does.
      throw new IterationAbort(`test aborted: ${message}`, true);
    },
    /** Marks the test as failed (exit code 110) and goes on. */
    fail(message = 'test marked as failed by the script') {
      threadRuntime().failTest(message);
    },
    /** k6's consolidated options (scenarios, thresholds, ...), read-only as in k6. */
    get options() {
      const rt = threadRuntime();
      return rt.k6Options ?? rt.options;
    },
  },
  /** True inside an iteration (false in the init context). */
  get inIteration() {
    return currentVu() !== undefined;
  },
};
