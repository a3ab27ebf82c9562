/**
 * The state of one virtual user (VU) and the async context that finds it: script APIs such as
 * `http.get` or `check` look up the calling VU through AsyncLocalStorage, so scripts need no
 * handle to pass around (as in k6), while many VUs share one module instance per thread.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import { globalSingleton } from '../../util/global-singleton.js';
import type { VuHttp } from '../vu-http/vu-http.js';

/** What a scenario contributes to its VUs. */
export interface ScenarioInfo {
  name: string;
  executor: string;
  /** Scenario start in ms since the test start. */
  startTimeMs: number;
  /** Iterations started in this scenario on this shard (for `exec.scenario.iterationInInstance`). */
  iterationsStarted: number;
  /** Offset and stride that make per-shard iteration numbers unique across shards. */
  iterationStride: number;
  iterationOffset: number;
  /**
   * The test-wide number of this shard's n-th iteration when the run is an execution segment
   * (k6's segmented index); without it, `iterationOffset + n * iterationStride`.
   */
  iterationInTest?: (n: number) => number;
  tags: Readonly<Record<string, string>>;
  env: Readonly<Record<string, string>>;
}

/** One virtual user. */
export interface VuState {
  /** Globally unique, 1-based (`__VU`, `exec.vu.idInTest`); 0 in setup/teardown. */
  id: number;
  /** 1-based within this shard (`exec.vu.idInInstance`). */
  idInInstance: number;
  /**
   * `exec.vu.idInTest` when the run is an execution segment (unique across the instances of the
   * sequence, as k6); otherwise `id`.
   */
  idInTest?: number;
  /** Iterations this VU started (0-based number of the running one, `__ITER`). */
  iteration: number;
  /** Iteration number within the scenario, unique across shards (`exec.scenario.iterationInTest`). */
  iterationInScenario: number;
  /** The running iteration's number among this scenario's iterations on this shard. */
  iterationInShard?: number;
  scenario: ScenarioInfo;
  /** Current group path, `::outer::inner` ('' at the root). */
  group: string;
  /** VU-level tags (`exec.vu.tags`), added to every sample of this VU. */
  tags: Record<string, string>;
  /** VU-level metadata (`exec.vu.metrics.metadata`), not indexed. */
  http: VuHttp;
  /** Aborted when the VU must stop at once (graceful stop expired, Ctrl-C). */
  signal: AbortSignal;
  /**
   * Set while the VU sleeps: ends the sleep at once (called after aborting `signal`). One slot
   * per VU instead of an abort listener per sleep: with 10,000 sleeping VUs the listeners, their
   * closures and promises cost megabytes (bench/RESULTS.md, "10,000 VUs").
   */
  wake?: (() => void) | undefined;
  /**
   * Work the iteration started that k6's event loop waits for before the iteration ends (open
   * `k6/websockets` sockets); created on first use.
   */
  background?: Set<BackgroundTask> | undefined;
}

/** One piece of work an iteration waits for after its function returned. */
export interface BackgroundTask {
  /** Settles when the work is over; a rejection fails the iteration. */
  done: Promise<void>;
  /** Ends the work at once (another task failed, the VU is stopped). */
  stop(): void;
}

/** Registers `task` on `vu`; it leaves the set once settled. */
export function addBackgroundTask(vu: VuState, task: BackgroundTask): void {
  vu.background ??= new Set();
  const set = vu.background;
  set.add(task);
  const remove = (): void => {
    set.delete(task);
  };
  task.done.then(remove, remove);
}

/** Stops every background task of `vu` (the iteration ended with an exception). */
export function stopBackgroundTasks(vu: VuState): void {
  if (vu.background) for (const task of vu.background) task.stop();
}

/**
 * Waits until the VU has no background work left (tasks may start more tasks). The first
 * failure stops every other task and is thrown, as an exception in a k6 event handler ends the
 * iteration.
 */
export async function awaitBackgroundTasks(vu: VuState): Promise<void> {
  const set = vu.background;
  while (set && set.size > 0) {
    const tasks = [...set];
    try {
      await Promise.all(tasks.map((t) => t.done));
    } catch (error) {
      for (const task of set) task.stop();
      await Promise.allSettled([...set].map((t) => t.done));
      throw error;
    }
  }
}

/**
 * The async context carrying the current VU. Kept on globalThis so that two copies of this module
 * (compiled dist/ loaded by a script bundle, TypeScript src/ loaded by tests) share one context.
 */
export const vuContext: AsyncLocalStorage<VuState> = globalSingleton(
  'redline.vuContext',
  () => new AsyncLocalStorage<VuState>(),
);

/** The VU whose init code runs (a VU's own init context: k6 sets `__VU` there). */
export interface InitVu {
  id: number;
  idInInstance: number;
}

/**
 * The async context of a VU's init code (per-VU init, src/script/loader/init-factory.ts). Not
 * {@link vuContext}: in the init context `currentVu()` stays undefined, so `open()` works and
 * requests are refused, as in k6.
 */
export const initVuContext: AsyncLocalStorage<InitVu> = globalSingleton(
  'redline.initVuContext',
  () => new AsyncLocalStorage<InitVu>(),
);

let initsRunning = 0;

/**
 * Runs a VU's init code (`init`) in {@link initVuContext}. The context is disabled again once no
 * init runs: an enabled AsyncLocalStorage costs every promise the test makes afterwards (its
 * hook copies the store onto each one), and nothing reads the init context outside init code.
 */
export async function runInVuInitContext<T>(vu: InitVu, init: () => Promise<T>): Promise<T> {
  initsRunning++;
  try {
    return await initVuContext.run(vu, init);
  } finally {
    initsRunning--;
    if (initsRunning === 0) initVuContext.disable();
  }
}

/** The VU running the caller, or undefined in the init context. */
export function currentVu(): VuState | undefined {
  return vuContext.getStore();
}

/** The VU running the caller; throws a clear error in the init context (as k6 does). */
export function requireVu(api: string): VuState {
  const vu = vuContext.getStore();
  if (!vu) {
    throw new RedlineError(
      'E_SCRIPT_INIT_CONTEXT',
      `${api} cannot be called in the init context (top level of the script)`,
      {
        hint: 'call it inside the default function, a scenario function, setup() or teardown()',
        exitCode: ExitCode.ScriptException,
      },
    );
  }
  return vu;
}

/** True for an {@link IterationAbort} from any copy of this module. */
export function isIterationAbort(error: unknown): error is IterationAbort {
  return error instanceof Error && error.name === 'IterationAbort';
}

/** Error thrown inside an iteration to end it at once (fail(), interruption). */
export class IterationAbort extends Error {
  override readonly name = 'IterationAbort';
  /** True when the VU was interrupted from outside (not a script failure). */
  readonly interrupted: boolean;
  constructor(message: string, interrupted: boolean) {
    super(message);
    this.interrupted = interrupted;
  }
}
