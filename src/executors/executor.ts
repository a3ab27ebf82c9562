/**
 * One executor, k6-style: everything about one kind of scenario in one file — reading and
 * checking its options, describing it, sizing it, scaling it to an execution segment and running
 * it on a shard. The six k6 executors implement {@link Executor}; `registry.ts` lists them.
 *
 * This folder sits below `config` (which reads and describes scenarios through the registry) and
 * `engine` (which starts them). It reads the user's fields through util's `InputFields` (the one
 * input reader, k6's value rules) and needs one thing from above, declared here as an interface:
 * the shard's VUs ({@link VuPool}, implemented by the engine's `VuRunner`).
 */
import type { CounterSeries } from '../metrics/series.js';
import type { InputFields, InputProblem } from '../util/input-reader.js';
import type { ExecutionTuple } from './execution-segment.js';
import type { ShardPart } from './segment.js';

/** Stage of a ramping executor: reach `target` (VUs or iterations per timeUnit) linearly over `durationMs`. */
export interface Stage {
  durationMs: number;
  target: number;
}

/** Options every scenario accepts (k6 defaults: startTime 0, gracefulStop 30 s, exec 'default'). */
export interface ScenarioBase {
  /** Scenario name (the key in `options.scenarios`; `default` for shortcuts). */
  name: string;
  startTimeMs: number;
  gracefulStopMs: number;
  /** Name of the exported function each iteration calls. */
  exec: string;
  /** Extra environment variables for this scenario's VUs (`__ENV`). */
  env: Record<string, string>;
  /** Tags added to every sample of this scenario. */
  tags: Record<string, string>;
}

/** A VU as an executor sees it: an opaque handle that may be in the middle of an iteration. */
export interface ScenarioVu {
  /** True while an iteration runs. */
  readonly busy: boolean;
}

/**
 * The shard's VUs of one scenario, as an executor drives them (the engine's `VuRunner`). Methods
 * take back the VUs `createVu` made.
 */
export interface VuPool {
  /** VUs this scenario may use at once on this shard (reported as `vus_max` from the start). */
  reserved: number;
  /** VUs currently running iterations (the `vus` gauge). */
  active: number;
  /** The schedule ended with `count` VUs still wanted (the `vus` the summary reports). */
  endSchedule(count: number): void;
  /** A VU ready to iterate (initialised, or taken from the pre-initialised ones). */
  createVu(): ScenarioVu;
  /** Runs one iteration; false when it was interrupted (the VU must stop looping). */
  iterate(vu: ScenarioVu): Promise<boolean>;
  /** False while the VU cannot start an iteration yet (its init runs): only `iterate` waits. */
  ready(vu: ScenarioVu): boolean;
  /**
   * Starts one iteration of a ready VU for a caller that awaits it itself (fewer promises than
   * `iterate`): its function's result (throws when the function threw); then
   * {@link VuPool.end} with how that settled.
   */
  begin(vu: ScenarioVu): unknown;
  /** Ends an iteration {@link VuPool.begin} started, resolving as `iterate` does. */
  end(vu: ScenarioVu, error: unknown, threw: boolean): boolean | Promise<boolean>;
  /** Interrupts the VU's running iteration (counted as interrupted). */
  interrupt(vu: ScenarioVu): void;
  /** Makes an interrupted VU usable again (ramping-vus reuses retired VUs). */
  revive(vu: ScenarioVu): void;
}

/** What a scenario gets from the shard it runs on. */
export interface ExecutorContext {
  runner: VuPool;
  /** This shard and the shard count (execution segment). */
  shard: number;
  shards: number;
  /** This shard's share of the test's counts and iteration slots (shard stripe × segment). */
  part: ShardPart;
  /** Local time (performance.now) at which the scenario starts. */
  startAt: number;
  /** `dropped_iterations` of this scenario. */
  dropped: CounterSeries;
}

/** A scenario running on one shard. */
export interface ScenarioRun {
  /** Runs the scenario to its end (graceful stop included). */
  run(): Promise<void>;
  /** Test-wide stop: no new iterations; running ones are interrupted at once. */
  stop(): void;
}

/** One k6 executor: its options, checks, description, size and run. */
export interface Executor<S extends ScenarioBase & { executor: string }> {
  /** The `executor` value (`constant-vus`, ...). */
  readonly name: S['executor'];
  /** Options specific to this executor (besides `COMMON_SCENARIO_KEYS`). */
  readonly keys: readonly string[];
  /**
   * Reads the executor's own fields from a raw scenario with k6's defaults filled in. Wrong
   * types are recorded on the reader's problem list; the result then holds placeholder values
   * and must not be used (the caller checks the problem count).
   */
  read(reader: InputFields, base: ScenarioBase): S;
  /** k6's semantic checks of a complete scenario (positive VUs, maxVUs >= preAllocatedVUs, ...). */
  validate(scenario: S): InputProblem[];
  /** k6's one-line description (`10 looping VUs for 1m0s (gracefulStop: 30s)`). */
  describe(scenario: S): string;
  /** Most VUs this scenario can use at once. */
  maxVUs(scenario: S): number;
  /**
   * VUs initialised before the test: all of them for the closed-model executors (k6 initialises
   * every VU up front), the pre-allocated ones for arrival rates (more are made when needed).
   */
  initialVUs(scenario: S): number;
  /** Length of the scenario without startTime and gracefulStop (maxDuration for iteration executors). */
  durationMs(scenario: S): number;
  /**
   * True when the scenario runs for exactly {@link durationMs} (time-scheduled: constant-vus, the
   * ramping and arrival-rate executors); false when that length is only a cap (`maxDuration` of
   * the iteration executors, which end as soon as their iterations are done).
   */
  readonly timeScheduled: boolean;
  /**
   * Most iterations the scenario starts per second (open model: its peak arrival rate); undefined
   * for closed-model executors, whose rate follows the response times.
   */
  peakIterationRate?(scenario: S): number;
  /**
   * The VUs the scenario holds while it runs, when they change over time (k6's reservation rule:
   * ramping-vus follows its stages and keeps ramped-down VUs for gracefulRampDown). Absent: it
   * holds {@link maxVUs} from its start to its end (graceful stop included).
   */
  reservation?(scenario: S): VuReservation;
  /** The scenario's stages (for k6-utils' stage helpers); absent for executors without stages. */
  stages?(scenario: S): readonly Stage[];
  /** The executor's own options in k6's JSON form (`exec.test.options`: durations as k6 strings). */
  k6Options(scenario: S): Record<string, unknown>;
  /**
   * The scenario as one execution segment runs it (k6 describes each executor with its segment's
   * numbers): VU counts, iterations and VU targets striped, arrival rates scaled by the length.
   */
  scale(scenario: S, tuple: ExecutionTuple): S;
  /**
   * This shard's share of the scenario's iteration numbers, from the shard's share of the test;
   * absent: `part` itself (shared-iterations stripes its iterations over the shards with a VU).
   */
  iterationPart?(scenario: S, part: ShardPart): ShardPart;
  /** Starts the scenario on one shard (it waits for its own startTime). */
  start(scenario: S, context: ExecutorContext): ScenarioRun;
}

/** VUs a scenario holds over its run, as a step function of the time since its start. */
export interface VuReservation {
  /** Times (ms from the scenario start) at which the held count can change. */
  changes: number[];
  /** VUs held at `localMs` after the scenario start (within its run). */
  at(localMs: number): number;
}
