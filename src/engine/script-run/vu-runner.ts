/**
 * Creates VUs and runs iterations: each iteration runs in the VU's async context, is timed into
 * `iteration_duration`, counted in `iterations`, and an exception is counted (tagged `error`)
 * and reported, never thrown out of the run.
 */
import { BUILTIN_METRICS } from '../../metrics/builtin.js';
import type { MetricRegistry } from '../../metrics/registry.js';
import type { CounterSeries, TrendSeries } from '../../metrics/series.js';
import { instanceCounters } from '../../script/api/execution.js';
import {
  awaitBackgroundTasks,
  isIterationAbort,
  type ScenarioInfo,
  stopBackgroundTasks,
  type VuState,
  vuContext,
} from '../../script/runtime/vu-state.js';
import { httpSettings } from '../../script/vu-http/http-settings.js';
import { VuHttp } from '../../script/vu-http/vu-http.js';
import { isThenable } from '../../util/is-thenable.js';

/** An iteration's function (the script's default export or a scenario's `exec`). */
export type IterationFn = (data: unknown) => unknown;

/** A script error seen in an iteration, reported to the controller (first occurrences only). */
export interface IterationError {
  message: string;
  stack: string;
  count: number;
}

/** A VU plus the controller that interrupts it. */
export interface RunnableVu {
  state: VuState;
  abort: AbortController;
  /** True while an iteration runs. */
  busy: boolean;
  /** This VU's own copy of setup()'s data (k6 parses it once per VU, so VUs are isolated). */
  data: unknown;
  /** The iteration function: of this VU's own module instance with per-VU init. */
  fn: IterationFn;
  /** Pending per-VU init of a VU created after the test started (awaited before its first iteration). */
  ready?: Promise<void> | undefined;
  /** When the running iteration started (performance.now()). */
  started: number;
}

/**
 * Runs the script's init code for one VU (inside that VU's init context) and returns the
 * function its iterations call.
 */
export type VuInit = (vu: { id: number; idInInstance: number }) => Promise<IterationFn>;

/** Marks the message of an error a VU's init code threw (survives a worker thread's boundary). */
const VU_INIT_MARK = /^REDLINE_VU_INIT\((\d+)\): /;

/** The error a VU's init threw, marked with the VU's number (the stack stays the script's). */
export function markVuInitError(vu: number, error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  const marked = new Error(`REDLINE_VU_INIT(${vu}): ${message}`);
  const stack = error instanceof Error ? (error.stack ?? '') : '';
  const frames = stack.slice(
    stack.indexOf('\n    at ') >= 0 ? stack.indexOf('\n    at ') : stack.length,
  );
  marked.stack = `${error instanceof Error ? error.name : 'Error'}: ${message}${frames}`;
  return marked;
}

/** The VU and original error of a {@link markVuInitError} error, or undefined for any other. */
export function readVuInitError(error: unknown): { vu: number; error: Error } | undefined {
  if (!(error instanceof Error)) return undefined;
  const match = VU_INIT_MARK.exec(error.message);
  if (!match) return undefined;
  const original = new Error(error.message.slice(match[0].length));
  original.stack = error.stack ?? original.message;
  return { vu: Number(match[1]), error: original };
}

/** Per-scenario iteration machinery on one shard. */
export class VuRunner {
  readonly scenario: ScenarioInfo;
  readonly #fn: IterationFn;
  /** JSON of setup()'s result (undefined when there is none). */
  readonly #setupJson: string | undefined;
  readonly #iterations: CounterSeries;
  readonly #duration: TrendSeries;
  readonly #registry: MetricRegistry;
  readonly #tags: Record<string, string>;
  readonly #onError: (error: unknown) => void;
  readonly #newVuId: () => { id: number; idInInstance: number; idInTest?: number };
  readonly #vus: RunnableVu[] = [];
  readonly #init: VuInit | undefined;
  /** VUs initialised before the test started, handed out by {@link createVu} first. */
  readonly #pool: RunnableVu[] = [];
  #active = 0;
  /** Called after every change of {@link active} (the shard records the `vus` gauge). */
  onActiveChange: ((runner: VuRunner) => void) | undefined;
  /**
   * The VUs this scenario's schedule ended with (set by {@link endSchedule} when only its
   * graceful stop is left); undefined while the scenario runs.
   */
  endedWith: number | undefined;
  /** VUs created so far. */
  allocated = 0;
  /**
   * VUs the executor will need at most, reported as `vus_max` from the start even when they are
   * created lazily (k6 initialises a ramping-vus scenario's peak before the test begins).
   */
  reserved = 0;

  constructor(options: {
    scenario: ScenarioInfo;
    fn: IterationFn;
    /** Per-VU init: each VU runs the init code for its own module instance (else `fn` is shared). */
    init?: VuInit;
    setupJson: string | undefined;
    registry: MetricRegistry;
    testTags: Record<string, string>;
    onError: (error: unknown) => void;
    newVuId: () => { id: number; idInInstance: number; idInTest?: number };
  }) {
    this.scenario = options.scenario;
    this.#fn = options.fn;
    this.#setupJson = options.setupJson;
    this.#registry = options.registry;
    this.#tags = { ...options.testTags, ...options.scenario.tags, scenario: options.scenario.name };
    this.#iterations = options.registry.counter(BUILTIN_METRICS.iterations, this.#tags);
    this.#duration = options.registry.trend(BUILTIN_METRICS.iteration_duration, this.#tags);
    this.#onError = options.onError;
    this.#newVuId = options.newVuId;
    this.#init = options.init;
  }

  /** VUs of this scenario currently running iterations (the executors count them in and out). */
  get active(): number {
    return this.#active;
  }

  set active(value: number) {
    this.#active = value;
    this.onActiveChange?.(this);
  }

  /**
   * Called by the executor when the schedule is over (no iteration starts any more, the graceful
   * stop follows): `count` is how many VUs the scenario ends with (ramping-vus: its final target,
   * even when a starved machine ramped down late). The VUs draining afterwards are not a value
   * the test ran with.
   */
  endSchedule(count: number): void {
    this.endedWith = count;
    this.onActiveChange?.(this);
  }

  /**
   * Initialises `count` VUs before the test starts (per-VU init only; k6 initialises VUs up
   * front), one after the other; an init error rejects (the run fails, as in k6).
   */
  async prepare(count: number): Promise<void> {
    if (!this.#init) return;
    for (let i = 0; i < count; i++) {
      const vu = this.#newVu();
      try {
        vu.fn = await this.#init(vu.state);
      } catch (error) {
        throw markVuInitError(vu.state.id, error);
      }
      this.#pool.push(vu);
    }
  }

  /** Creates a VU for this scenario (one initialised up front when there is one left). */
  createVu(): RunnableVu {
    const pooled = this.#pool.shift();
    if (pooled) return pooled;
    const vu = this.#newVu();
    const init = this.#init;
    if (init) {
      vu.ready = init(vu.state).then((fn) => {
        vu.fn = fn;
        vu.ready = undefined;
      });
    }
    return vu;
  }

  #newVu(): RunnableVu {
    const ids = this.#newVuId();
    const abort = new AbortController();
    const state: VuState = {
      id: ids.id,
      idInInstance: ids.idInInstance,
      ...(ids.idInTest === undefined ? {} : { idInTest: ids.idInTest }),
      iteration: -1,
      iterationInScenario: -1,
      scenario: this.scenario,
      group: '',
      tags: {},
      http: undefined as unknown as VuHttp,
      signal: abort.signal,
    };
    state.http = new VuHttp(() => state);
    this.allocated++;
    instanceCounters.vusInitialized++;
    const data = this.#setupJson === undefined ? undefined : JSON.parse(this.#setupJson);
    const vu: RunnableVu = { state, abort, busy: false, data, fn: this.#fn, started: 0 };
    this.#vus.push(vu);
    return vu;
  }

  /**
   * Runs one iteration on `vu`. Resolves true when it completed (with or without a script
   * error), false when it was interrupted.
   *
   * Not an async function: every promise made while a VU runs pays the AsyncLocalStorage hooks
   * of {@link vuContext}, so an iteration creates only the script's own promises plus one
   * continuation (bench/RESULTS.md, "Scripted HTTP vs quick mode").
   */
  iterate(vu: RunnableVu): Promise<boolean> {
    if (vu.ready) return this.#iterateWhenReady(vu, vu.ready);
    let returned: unknown;
    try {
      returned = this.#call(vu);
    } catch (error) {
      return Promise.resolve(this.#settle(vu, vu.started, error, true));
    }
    if (!isThenable(returned) && !vu.state.background?.size) {
      return Promise.resolve(this.#settle(vu, vu.started, undefined, false));
    }
    return Promise.resolve(returned).then(
      () => this.#afterFunction(vu, vu.started),
      (error: unknown) => this.#settle(vu, vu.started, error, true),
    );
  }

  /** False while the VU's per-VU init still runs (only {@link iterate} waits for it). */
  ready(vu: RunnableVu): boolean {
    return vu.ready === undefined;
  }

  /**
   * One iteration of a {@link ready} VU for a caller that awaits the script's promise itself
   * (executors/vu-loops.ts): one promise and one microtask fewer per iteration than
   * {@link iterate}, which chains a `then` on it. Returns the function's result (throws when the
   * function threw); the caller passes how it settled to {@link end}.
   */
  begin(vu: RunnableVu): unknown {
    return this.#call(vu);
  }

  /**
   * Ends the iteration {@link begin} started, with the outcome of its function: `threw` with
   * `error`, else returned. Resolves as {@link iterate} does (true: completed or failed, false:
   * interrupted); a value when nothing is left to wait for.
   */
  end(vu: RunnableVu, error: unknown, threw: boolean): boolean | Promise<boolean> {
    if (threw) return this.#settle(vu, vu.started, error, true);
    return this.#afterFunction(vu, vu.started);
  }

  /** Starts an iteration of `vu` (numbers, group, start time) and calls its function as the VU. */
  #call(vu: RunnableVu): unknown {
    const state = vu.state;
    const scenario = this.scenario;
    state.iteration++;
    state.iterationInScenario = scenario.iterationInTest
      ? scenario.iterationInTest(scenario.iterationsStarted)
      : scenario.iterationOffset + scenario.iterationsStarted * scenario.iterationStride;
    state.iterationInShard = scenario.iterationsStarted;
    scenario.iterationsStarted++;
    state.group = '';
    vu.busy = true;
    vu.started = performance.now();
    return vuContext.run(state, vu.fn, vu.data);
  }

  /** Waits for a VU's per-VU init before its first iteration. */
  async #iterateWhenReady(vu: RunnableVu, ready: Promise<void>): Promise<boolean> {
    try {
      await ready;
    } catch (error) {
      // The VU's init failed: it cannot iterate; reported once per VU, not timed as an iteration.
      vu.ready = undefined;
      vu.fn = () => {
        throw error;
      };
      this.#onError(error);
      return true;
    }
    return this.iterate(vu);
  }

  /** The iteration's function returned: waits for its background work (if any), then settles. */
  #afterFunction(vu: RunnableVu, started: number): boolean | Promise<boolean> {
    if (!vu.state.background?.size) return this.#settle(vu, started, undefined, false);
    return awaitBackgroundTasks(vu.state).then(
      () => this.#settle(vu, started, undefined, false),
      (error: unknown) => this.#settle(vu, started, error, true),
    );
  }

  /**
   * Ends an iteration: counts it as completed, failed (`threw`: with `error`) or interrupted,
   * and resets the VU's per-iteration state. Resolves {@link iterate}'s value.
   */
  #settle(vu: RunnableVu, started: number, error: unknown, threw: boolean): boolean {
    const state = vu.state;
    try {
      if (!threw) {
        if (vu.abort.signal.aborted) return this.#interrupted();
        this.#completed(started);
        return true;
      }
      if (isIterationAbort(error) && error.interrupted) return this.#interrupted();
      if (vu.abort.signal.aborted) return this.#interrupted();
      this.#failed(started, error);
      return true;
    } finally {
      stopBackgroundTasks(state);
      vu.busy = false;
      state.group = '';
      // k6 reports the bytes of the VU's connections at the end of each iteration.
      state.http.wire.flush();
      if (httpSettings.resetCookies) state.http.jar.reset();
    }
  }

  /** Closes the keep-alive connections of every VU (the scenario is over; nothing else would). */
  closeConnections(): void {
    for (const vu of this.#vus) vu.state.http.closeAll();
  }

  /** Interrupts a VU at once (graceful stop expired): its pending sleeps and requests end. */
  interrupt(vu: RunnableVu): void {
    vu.abort.abort();
    vu.state.wake?.();
    vu.state.http.closeAll();
  }

  /** Makes an interrupted VU usable again (ramping up after a ramp-down). */
  revive(vu: RunnableVu): void {
    if (!vu.abort.signal.aborted) return;
    vu.abort = new AbortController();
    vu.state.signal = vu.abort.signal;
  }

  #completed(started: number): void {
    this.#iterations.add(1);
    this.#duration.add(performance.now() - started);
    instanceCounters.iterationsCompleted++;
  }

  #failed(started: number, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    const tags = { ...this.#tags, error: message.split('\n')[0]!.slice(0, 100) };
    this.#registry.counter(BUILTIN_METRICS.iterations, tags).add(1);
    this.#registry.trend(BUILTIN_METRICS.iteration_duration, tags).add(performance.now() - started);
    instanceCounters.iterationsCompleted++;
    this.#onError(error);
  }

  #interrupted(): false {
    instanceCounters.iterationsInterrupted++;
    return false;
  }
}
