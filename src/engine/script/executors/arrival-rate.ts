/**
 * The open-model engine shared by constant- and ramping-arrival-rate: iteration i of the scenario
 * is due at a precomputed time (from the start, never chained); this shard takes the global slots
 * its ShardPart owns (its process's execution segment, striped over the shards). A due slot runs on an idle VU, on a new VU while fewer than maxVUs exist,
 * or is dropped (`dropped_iterations`), as in k6.
 */

import type { RunnableVu } from '../vu-runner.js';
import { type ExecutorContext, finishLoops, sleepUntil } from './executor.js';

/** Inputs of {@link runArrivals}. */
export interface ArrivalPlan {
  /** Due time (ms after the scenario start) of global slot g, or undefined past the end. */
  dueAt(globalSlot: number): number | undefined;
  durationMs: number;
  preAllocatedVUs: number;
  maxVUs: number;
  gracefulStopMs: number;
}

/** Runs an arrival-rate scenario on this shard until its end (graceful stop included). */
export async function runArrivals(
  plan: ArrivalPlan,
  context: ExecutorContext,
  stop: AbortSignal,
): Promise<void> {
  const { runner } = context;
  runner.reserved = context.part.count(plan.preAllocatedVUs);
  await sleepUntil(context.startAt, stop);
  const localMax = Math.max(context.part.count(plan.maxVUs), 0);
  const idle: RunnableVu[] = [];
  const all: RunnableVu[] = [];
  for (let i = 0; i < context.part.count(plan.preAllocatedVUs); i++) {
    const vu = runner.createVu();
    idle.push(vu);
    all.push(vu);
  }
  const running = new Set<Promise<void>>();
  const endAt = context.startAt + plan.durationMs;
  let local = 0;
  const start = (vu: RunnableVu) => {
    runner.active++;
    const p: Promise<void> = runner.iterate(vu).then(() => {
      runner.active--;
      running.delete(p);
      if (!stop.aborted) idle.push(vu);
    });
    running.add(p);
  };
  while (!stop.aborted) {
    const due = plan.dueAt(context.part.index(local));
    if (due === undefined || due >= plan.durationMs) break;
    await sleepUntil(context.startAt + due, stop);
    if (stop.aborted) break;
    // Dispatch every slot that is due now (timers fire late under load; the schedule does not move).
    const now = performance.now() - context.startAt;
    for (;;) {
      const at = plan.dueAt(context.part.index(local));
      if (at === undefined || at > now || at >= plan.durationMs) break;
      local++;
      const vu = idle.pop();
      if (vu) start(vu);
      else if (all.length < localMax) {
        const fresh = runner.createVu();
        all.push(fresh);
        start(fresh);
      } else context.dropped.add(1);
    }
  }
  runner.endSchedule(runner.active);
  await finishLoops(runner, all, [...running], endAt + plan.gracefulStopMs, stop);
}
