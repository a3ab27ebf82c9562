/** Execution information for scripts (k6's `k6/execution`): the VU, scenario, instance and test. */
import { threadRuntime } from '../runtime/thread-runtime.js';
import { currentVu, requireVu } from '../runtime/vu-state.js';

/** Counters the engine keeps per thread for `exec.instance`. */
export const instanceCounters: {
  iterationsCompleted: number;
  iterationsInterrupted: number;
  vusActive: number;
  vusInitialized: number;
} = ((globalThis as Record<symbol, unknown>)[Symbol.for('redline.instanceCounters')] ??= {
  iterationsCompleted: 0,
  iterationsInterrupted: 0,
  vusActive: 0,
  vusInitialized: 0,
}) as never;

/** The `exec` object (k6/execution's default export). */
export const exec = {
  get vu() {
    const vu = requireVu('exec.vu');
    return {
      idInTest: vu.id,
      idInInstance: vu.idInInstance,
      iterationInInstance: vu.iteration,
      iterationInScenario: vu.iterationInScenario,
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
      iterationInInstance: vu.scenario.iterationsStarted,
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
      throw new Error(`test aborted: ${message}`);
    },
    /** Marks the test as failed (exit code 110) and goes on. */
    fail(message = 'test marked as failed by the script') {
      threadRuntime().failTest(message);
    },
    get options() {
      return threadRuntime().options;
    },
  },
  /** True inside an iteration (false in the init context). */
  get inIteration() {
    return currentVu() !== undefined;
  },
};
