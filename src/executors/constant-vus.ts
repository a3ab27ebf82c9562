/** constant-vus: a fixed number of VUs loop over the script for a duration (k6 defaults). */
import { formatDuration, formatGoDuration } from '../util/duration.js';
import type { InputProblem } from '../util/input-reader.js';
import type { Executor, ScenarioBase } from './executor.js';
import { describeBase, validateMinDuration, validateScenarioBase, validateVus } from './options.js';
import { runClosedLoop } from './vu-loops.js';

/** constant-vus: `vus` VUs loop for `durationMs`. */
export interface ConstantVusScenario extends ScenarioBase {
  executor: 'constant-vus';
  vus: number;
  durationMs: number;
}

/** The constant-vus executor: `vus` (1) and a required `duration` (at least 1s). */
export const constantVus: Executor<ConstantVusScenario> = {
  name: 'constant-vus',
  keys: ['vus', 'duration'],
  read(reader, base) {
    return {
      ...base,
      executor: 'constant-vus',
      vus: reader.int('vus', 1) ?? Number.NaN,
      durationMs: reader.duration('duration') ?? Number.NaN,
    };
  },
  validate(s) {
    const problems: InputProblem[] = validateScenarioBase(s);
    problems.push(...validateVus(s.vus));
    problems.push(...validateMinDuration('duration', s.durationMs));
    return problems;
  },
  describe(s) {
    return `${s.vus} looping VUs for ${formatGoDuration(s.durationMs)}${describeBase(s)}`;
  },
  maxVUs: (s) => s.vus,
  initialVUs: (s) => s.vus,
  durationMs: (s) => s.durationMs,
  timeScheduled: true,
  k6Options: (s) => ({ vus: s.vus, duration: formatDuration(s.durationMs) }),
  scale: (s, tuple) => (tuple.whole ? s : { ...s, vus: tuple.scale(s.vus) }),
  start(s, context) {
    // This shard runs its striped share of the VUs, each looping until the duration is over.
    const vus = context.part.count(s.vus);
    return runClosedLoop(context, vus, () => ({
      vus,
      endAt: context.startAt + s.durationMs,
      gracefulStopMs: s.gracefulStopMs,
      admit: () => () => true,
    }));
  },
};
