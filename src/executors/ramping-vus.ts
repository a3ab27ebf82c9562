/** ramping-vus: the number of looping VUs follows stages (k6 defaults: startVUs 1, gracefulRampDown 30s). */
import { formatDuration, formatGoDuration } from '../util/duration.js';
import type { InputProblem } from '../util/input-reader.js';
import type {
  Executor,
  ExecutorContext,
  ScenarioBase,
  ScenarioRun,
  ScenarioVu,
  Stage,
  VuReservation,
} from './executor.js';
import { describeBase, MAX_VUS, validateScenarioBase } from './options.js';
import {
  k6Stages,
  maxTarget,
  readStages,
  stageEnds,
  stagesDuration,
  validateStages,
  valueAt,
} from './stages.js';
import { finishLoops, loopVu, sleepUntil } from './vu-loops.js';

/** k6's default graceful ramp-down (30 s). */
export const DEFAULT_GRACEFUL_RAMP_DOWN_MS = 30_000;

/** ramping-vus: VUs follow `stages` from `startVUs` (default 1); `gracefulRampDownMs` default 30 s. */
export interface RampingVusScenario extends ScenarioBase {
  executor: 'ramping-vus';
  startVUs: number;
  stages: Stage[];
  gracefulRampDownMs: number;
}

/** The ramping-vus executor: `startVUs` (1), `stages` (required), `gracefulRampDown` (30s). */
export const rampingVus: Executor<RampingVusScenario> = {
  name: 'ramping-vus',
  keys: ['startVUs', 'stages', 'gracefulRampDown'],
  read(reader, base) {
    const stages = readStages(reader, 'stages');
    return {
      ...base,
      executor: 'ramping-vus',
      startVUs: reader.int('startVUs', 1) ?? Number.NaN,
      stages: stages ?? [],
      gracefulRampDownMs:
        reader.duration('gracefulRampDown', DEFAULT_GRACEFUL_RAMP_DOWN_MS) ??
        DEFAULT_GRACEFUL_RAMP_DOWN_MS,
    };
  },
  validate(s) {
    const problems: InputProblem[] = validateScenarioBase(s);
    problems.push(...validateStages(s.stages));
    if (s.stages.length > 0 && !(maxTarget(s.startVUs, s.stages) > 0)) {
      problems.push({
        path: ['stages'],
        message: 'either startVUs or one of the stage targets must be more than 0',
      });
    }
    if (s.startVUs > MAX_VUS)
      problems.push({ path: ['startVUs'], message: `exceeds the limit of ${MAX_VUS}` });
    s.stages.forEach((stage, i) => {
      if (stage.target > MAX_VUS) {
        problems.push({
          path: ['stages', i, 'target'],
          message: `exceeds the limit of ${MAX_VUS} VUs`,
        });
      }
    });
    return problems;
  },
  describe(s) {
    const facts = describeBase(s, `gracefulRampDown: ${formatGoDuration(s.gracefulRampDownMs)}`);
    const total = formatGoDuration(stagesDuration(s.stages));
    return `Up to ${maxTarget(s.startVUs, s.stages)} looping VUs for ${total} over ${s.stages.length} stages${facts}`;
  },
  maxVUs: (s) => maxTarget(s.startVUs, s.stages),
  initialVUs: (s) => Math.floor(maxTarget(s.startVUs, s.stages) + 1e-9),
  durationMs: (s) => stagesDuration(s.stages),
  timeScheduled: true,
  stages: (s) => s.stages,
  reservation: reserveRampingVus,
  k6Options: (s) => ({
    startVUs: s.startVUs,
    stages: k6Stages(s.stages),
    gracefulRampDown: formatDuration(s.gracefulRampDownMs),
  }),
  scale: (s, tuple) =>
    tuple.whole
      ? s
      : {
          ...s,
          startVUs: tuple.scale(s.startVUs),
          stages: s.stages.map((stage) => ({ ...stage, target: tuple.scale(stage.target) })),
        },
  start: startRampingVus,
};

/**
 * k6's reservation rule for ramping-vus: the VUs follow the stages, and a ramped-down VU stays
 * held for gracefulRampDown (it may still finish its iteration). Integer rounding can differ
 * from k6 by one VU.
 */
function reserveRampingVus(s: RampingVusScenario): VuReservation {
  const ends = stageEnds(s.stages);
  const level = (local: number) => valueAt(s.startVUs, s.stages, local);
  return {
    changes: ends.flatMap((end) => [end, end + s.gracefulRampDownMs]),
    at(local) {
      let held = level(local);
      for (const point of [local - s.gracefulRampDownMs, ...ends]) {
        if (point >= local - s.gracefulRampDownMs && point <= local && point >= 0)
          held = Math.max(held, level(point));
      }
      return Math.ceil(held);
    },
  };
}

/** How often the VU target is re-evaluated (ms). */
const CONTROL_TICK_MS = 10;

interface Slot {
  vu: ScenarioVu;
  /** True while the VU should keep looping. */
  wanted: boolean;
  loop: Promise<void> | null;
  retiredAt: number;
}

/**
 * Runs ramping-vus on one shard (k6 semantics: start at startVUs; VUs above the target finish
 * their iteration and stop, or are interrupted after gracefulRampDown; at the end, gracefulStop).
 * This shard runs the striped share of the target.
 */
function startRampingVus(scenario: RampingVusScenario, context: ExecutorContext): ScenarioRun {
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
      const boundaries = stageEnds(scenario.stages).map((end) => context.startAt + end);
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
