/**
 * What the executors share to run VUs: looping a VU with regular yields to the event loop,
 * sleeping until a local time, stopping VUs gracefully with a hard deadline, and the closed-model
 * skeleton of constant-vus, shared-iterations and per-vu-iterations.
 */
import { setTimeout as delay, setImmediate as yieldToLoop } from 'node:timers/promises';
import { isThenable } from '../util/is-thenable.js';
import type { ExecutorContext, ScenarioRun, ScenarioVu, VuPool } from './executor.js';

/** Yield to the event loop at least this often inside tight iteration loops (ms). */
const YIELD_EVERY_MS = 5;

/**
 * Turns of the event loop seen while VU loops run: one shared immediate per turn bumps it, so a
 * VU whose iterations waited for I/O or timers (the loop turned meanwhile) needs no yield of its
 * own. Only loops that spun in microtasks for {@link YIELD_EVERY_MS} without a turn yield: one
 * Immediate per loop turn for all VUs instead of one Immediate, promise and async-hook round per
 * VU every 5 ms (with 50 VUs at ~5 ms per iteration that was nearly every iteration).
 */
let loopTurn = 0;
let turnPending = false;
function bumpTurn(): void {
  loopTurn++;
  turnPending = false;
}
/** The current turn, making sure the next turn of the loop is counted. */
function currentTurn(): number {
  if (!turnPending) {
    turnPending = true;
    setImmediate(bumpTurn);
  }
  return loopTurn;
}

/**
 * Runs iterations on `vu` while `shouldContinue()` says so. Yields to the event loop when it has
 * not turned for a few milliseconds, so a script without any await cannot starve timers and I/O.
 */
export async function loopVu(
  runner: VuPool,
  vu: ScenarioVu,
  shouldContinue: () => boolean,
): Promise<void> {
  let lastYield = performance.now();
  let turn = currentTurn();
  while (shouldContinue()) {
    // begin/end instead of `await runner.iterate(vu)`: the loop awaits the script's own promise,
    // so an iteration makes no promise of the runner's (each one pays the VU context's hooks).
    let completed: boolean;
    if (runner.ready(vu)) {
      let error: unknown;
      let threw = false;
      // A function that returned (or threw) without a promise is ended at once and awaited
      // after, as `iterate` does, so VUs still take turns at every iteration.
      let sync = true;
      try {
        const returned = runner.begin(vu);
        if (isThenable(returned)) {
          sync = false;
          await returned;
        }
      } catch (caught) {
        error = caught;
        threw = true;
      }
      const ended = runner.end(vu, error, threw);
      completed = sync || typeof ended !== 'boolean' ? await ended : ended;
    } else {
      completed = await runner.iterate(vu);
    }
    if (!completed) return;
    const now = performance.now();
    if (now - lastYield >= YIELD_EVERY_MS) {
      if (turn === loopTurn) await yieldToLoop();
      lastYield = performance.now();
      turn = currentTurn();
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
  runner: VuPool,
  vus: readonly ScenarioVu[],
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
export function runClosedLoop(
  context: ExecutorContext,
  vus: number,
  planAtStart: () => ClosedLoopPlan,
): ScenarioRun {
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
