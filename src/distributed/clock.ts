/**
 * Clock offset between the controller and an agent, NTP-style: the controller sends its clock
 * `t1`, the agent answers with its clock `t2` on receipt, the controller notes `t3` when the
 * answer arrives. If the one-way delays are equal, offset = t2 − (t1 + t3) / 2, with an error of at
 * most half the round trip; the sample with the shortest round trip bounds the error best.
 * Clocks are each process's monotonic clock on the epoch scale, so a wall-clock step on either
 * machine changes nothing during a run.
 */

/** One probe: controller send time, agent receive time, controller receive time (ms). */
export interface ClockSample {
  t1: number;
  t2: number;
  t3: number;
}

/** The estimate: the agent's clock minus the controller's, and its error bound. */
export interface ClockOffset {
  offsetMs: number;
  /** Round trip of the sample used; the offset is exact to ± half of it. */
  rttMs: number;
  samples: number;
}

/** Estimates the offset from probes (at least one). */
export function estimateOffset(samples: readonly ClockSample[]): ClockOffset {
  let best: ClockSample | undefined;
  for (const s of samples) if (!best || s.t3 - s.t1 < best.t3 - best.t1) best = s;
  if (!best) throw new Error('estimateOffset: no samples');
  return {
    offsetMs: best.t2 - (best.t1 + best.t3) / 2,
    rttMs: best.t3 - best.t1,
    samples: samples.length,
  };
}

/** The controller's instant `controllerMs` on the agent's clock. */
export function toAgentClock(controllerMs: number, offset: ClockOffset): number {
  return controllerMs + offset.offsetMs;
}
