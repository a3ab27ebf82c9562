/**
 * The executor interface (one file per executor, as in k6) and the helpers they share: looping a
 * VU with regular yields to the event loop, and stopping VUs gracefully with a hard deadline.
 */
import { setTimeout as delay, setImmediate as yieldToLoop } from 'node:timers/promises';
import type { ScenarioPlan } from '../../../config/plan.js';
import type { CounterSeries } from '../../../metrics/series.js';
import type { ShardPart } from '../segment.js';
import type { RunnableVu, VuRunner } from '../vu-runner.js';

/** What an executor gets from the shard. */
export interface ExecutorContext {
  runner: VuRunner;
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

/** A running scenario on one shard. */
export interface Executor {
  /** Runs the scenario to its end (graceful stop included). */
  run(): Promise<void>;
  /** Test-wide stop: no new iterations; running ones are interrupted at once. */
  stop(): void;
}

/** Creates an executor for a scenario. */
export type ExecutorFactory<S extends ScenarioPlan = ScenarioPlan> = (
  scenario: S,
  context: ExecutorContext,
) => Executor;

/** Yield to the event loop at least this often inside tight iteration loops (ms). */
const YIELD_EVERY_MS = 5;

/**
 * Runs iterations on `vu` while `shouldContinue()` says so. Yields to the event loop every few
 * milliseconds, so a script without any await cannot starve timers and I/O.
 */
export async function loopVu(
  runner: VuRunner,
  vu: RunnableVu,
  shouldContinue: () => boolean,
): Promise<void> {
  let lastYield = performance.now();
  while (shouldContinue()) {
    const completed = await runner.iterate(vu);
    if (!completed) return;
    const now = performance.now();
    if (now - lastYield >= YIELD_EVERY_MS) {
      await yieldToLoop();
      lastYield = performance.now();
    }
  }
}

/** Sleeps until local time `at` (returns early when `signal` aborts). */
export async function sleepUntil(at: number, signal?: AbortSignal): Promise<void> {
  const wait = at - performance.now();
  if (wait <= 0) return;
  try {
    await delay(wait, undefined, signal ? { signal } : undefined);
  } catch {
    // aborted: return early
  }
}

/**
 * Waits for `loops` to end; at local time `hardDeadline` interrupts every VU still busy (their
 * iterations are counted as interrupted), then waits briefly for the loops to unwind.
 */
export async function finishLoops(
  runner: VuRunner,
  vus: readonly RunnableVu[],
  loops: Array<Promise<void>>,
  hardDeadline: number,
  stopSignal: AbortSignal,
): Promise<void> {
  const all = Promise.all(loops).then(() => undefined);
  const deadline = new AbortController();
  const timer = sleepUntil(hardDeadline, AbortSignal.any([stopSignal, deadline.signal])).then(
    () => 'deadline' as const,
  );
  const first = await Promise.race([all.then(() => 'done' as const), timer]);
  deadline.abort();
  if (first === 'done') return;
  for (const vu of vus) if (vu.busy) runner.interrupt(vu);
  // Interrupted iterations settle as their requests and sleeps are cancelled; do not wait forever
  // for scripts that await something else.
  await Promise.race([all, delay(200)]);
}

/** What a closed-model executor decides: how many VUs, until when, and when each may iterate again. */
export interface ClosedLoopPlan {
  /** VUs this shard runs. */
  vus: number;
  /** Local time after which no iteration starts (the graceful stop counts from here). */
  endAt: number;
  gracefulStopMs: number;
  /** Per VU: a function saying whether it may start another iteration (called before each). */
  admit(vuIndex: number): () => boolean;
}

/**
 * The closed-model skeleton shared by constant-vus, shared-iterations and per-vu-iterations:
 * wait for the scenario start, create the VUs, loop each while `admit` and time allow, then stop
 * gracefully. `plan` is computed at the scenario start; `vus` (this shard's share of the
 * scenario's VUs) is reported as `vus_max` from the test start, as k6 initialises VUs up front.
 */
export function createClosedLoopExecutor(
  context: ExecutorContext,
  vus: number,
  planAtStart: () => ClosedLoopPlan,
): Executor {
  const stopper = new AbortController();
  const { runner } = context;
  runner.reserved = vus;
  return {
    async run() {
      await sleepUntil(context.startAt, stopper.signal);
      // Stopped before the scenario began: no VU ever ran (none is counted in `vus`).
      if (stopper.signal.aborted) return runner.endSchedule(0);
      const plan = planAtStart();
      const vus = Array.from({ length: plan.vus }, () => runner.createVu());
      runner.active += vus.length;
      const loops = vus.map((vu, i) => {
        const admit = plan.admit(i);
        return loopVu(
          runner,
          vu,
          () => !stopper.signal.aborted && performance.now() < plan.endAt && admit(),
        );
      });
      // No iteration starts after endAt (or once every VU is done): the graceful stop follows.
      const looped = new AbortController();
      void Promise.all(loops).then(() => looped.abort());
      await sleepUntil(plan.endAt, AbortSignal.any([stopper.signal, looped.signal]));
      runner.endSchedule(runner.active);
      await finishLoops(runner, vus, loops, plan.endAt + plan.gracefulStopMs, stopper.signal);
      runner.active -= vus.length;
    },
    stop: () => stopper.abort(),
  };
}
