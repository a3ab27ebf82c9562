/**
 * ramping-vus: the number of looping VUs follows the stages linearly (k6 semantics: start at
 * startVUs; VUs above the target finish their iteration and stop, or are interrupted after
 * gracefulRampDown; at the end, gracefulStop). This shard runs the striped share of the target.
 */
import { maxTarget } from '../../../config/executors/executor-kind.js';
import type { RampingVusScenario } from '../../../config/plan.js';
import type { RunnableVu } from '../vu-runner.js';
import {
  type Executor,
  type ExecutorContext,
  finishLoops,
  loopVu,
  sleepUntil,
} from './executor.js';
import { stagesDuration, valueAt } from './stages.js';

/** How often the VU target is re-evaluated (ms). */
const CONTROL_TICK_MS = 10;

interface Slot {
  vu: RunnableVu;
  /** True while the VU should keep looping. */
  wanted: boolean;
  loop: Promise<void> | null;
  retiredAt: number;
}

/** Creates a ramping-vus executor. */
export function createRampingVus(scenario: RampingVusScenario, context: ExecutorContext): Executor {
  const stopper = new AbortController();
  const { runner } = context;
  const slots: Slot[] = [];
  const loops: Array<Promise<void>> = [];
  const peak = Math.floor(maxTarget(scenario.startVUs, scenario.stages) + 1e-9);
  runner.reserved = context.part.count(peak);

  const activate = (slot: Slot) => {
    slot.wanted = true;
    if (slot.loop) return;
    runner.revive(slot.vu);
    runner.active++;
    slot.loop = loopVu(runner, slot.vu, () => slot.wanted && !stopper.signal.aborted).finally(
      () => {
        slot.loop = null;
        runner.active--;
      },
    );
    loops.push(slot.loop);
  };

  let lastElapsed = 0;
  const adjust = (elapsed: number) => {
    // A late tick (a busy machine) must not skip a stage's peak: stage ends crossed since the
    // previous tick count too.
    let target = valueAt(scenario.startVUs, scenario.stages, elapsed);
    let end = 0;
    for (const stage of scenario.stages) {
      end += stage.durationMs;
      if (end > lastElapsed && end <= elapsed) target = Math.max(target, stage.target);
    }
    lastElapsed = elapsed;
    const global = Math.floor(target + 1e-9);
    const local = context.part.count(global);
    while (slots.length < local)
      slots.push({ vu: runner.createVu(), wanted: false, loop: null, retiredAt: 0 });
    const now = performance.now();
    slots.forEach((slot, index) => {
      if (index < local) activate(slot);
      else if (slot.wanted) {
        slot.wanted = false;
        slot.retiredAt = now;
      } else if (slot.loop && slot.vu.busy && now - slot.retiredAt >= scenario.gracefulRampDownMs) {
        runner.interrupt(slot.vu);
      }
    });
  };

  return {
    async run() {
      await sleepUntil(context.startAt, stopper.signal);
      const total = stagesDuration(scenario.stages);
      const endAt = context.startAt + total;
      // Tick often, and exactly on every stage boundary so each stage's target is reached.
      const boundaries: number[] = [];
      let at = context.startAt;
      for (const stage of scenario.stages) {
        at += stage.durationMs;
        boundaries.push(at);
      }
      while (!stopper.signal.aborted && performance.now() < endAt) {
        adjust(performance.now() - context.startAt);
        const now = performance.now();
        const boundary = boundaries.find((b) => b > now + 0.5) ?? endAt;
        await sleepUntil(Math.min(boundary, now + CONTROL_TICK_MS), stopper.signal);
      }
      for (const slot of slots) slot.wanted = false;
      // The schedule's own VU count at its end (the final target), not what a late tick left.
      const elapsed = Math.min(performance.now() - context.startAt, total);
      const target = Math.floor(valueAt(scenario.startVUs, scenario.stages, elapsed) + 1e-9);
      runner.endSchedule(Math.min(runner.active, context.part.count(target)));
      await finishLoops(
        runner,
        slots.map((s) => s.vu),
        [...loops],
        endAt + scenario.gracefulStopMs,
        stopper.signal,
      );
    },
    stop: () => stopper.abort(),
  };
}
