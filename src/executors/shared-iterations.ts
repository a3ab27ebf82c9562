/** shared-iterations: a total number of iterations shared by a fixed number of VUs (k6 defaults). */
import { formatGoDuration } from '../util/duration.js';
import type { Executor, FieldProblem, ScenarioBase } from './executor.js';
import { describeBase, validateMinDuration, validateScenarioBase, validateVus } from './options.js';
import { runClosedLoop } from './vu-loops.js';

/** Default `maxDuration` of the iteration-based executors (k6: 10 minutes). */
export const DEFAULT_MAX_DURATION_MS = 600_000;

/** shared-iterations: `iterations` in total, shared by `vus` VUs, within `maxDurationMs` (default 10 m). */
export interface SharedIterationsScenario extends ScenarioBase {
  executor: 'shared-iterations';
  vus: number;
  iterations: number;
  maxDurationMs: number;
}

/** The shared-iterations executor: `vus` (1), `iterations` (1), `maxDuration` (10m). */
export const sharedIterations: Executor<SharedIterationsScenario> = {
  name: 'shared-iterations',
  keys: ['vus', 'iterations', 'maxDuration'],
  read(reader, base) {
    return {
      ...base,
      executor: 'shared-iterations',
      vus: reader.int('vus', 1) ?? Number.NaN,
      iterations: reader.int('iterations', 1) ?? Number.NaN,
      maxDurationMs: reader.duration('maxDuration', DEFAULT_MAX_DURATION_MS) ?? Number.NaN,
    };
  },
  validate(s) {
    const problems: FieldProblem[] = validateScenarioBase(s);
    problems.push(...validateVus(s.vus));
    if (s.iterations < s.vus) {
      problems.push({
        field: 'iterations',
        message: `the number of iterations (${s.iterations}) can't be less than the number of VUs (${s.vus})`,
      });
    }
    problems.push(...validateMinDuration('maxDuration', s.maxDurationMs));
    return problems;
  },
  describe(s) {
    const facts = describeBase(s, `maxDuration: ${formatGoDuration(s.maxDurationMs)}`);
    return `${s.iterations} iterations shared among ${s.vus} VUs${facts}`;
  },
  maxVUs: (s) => s.vus,
  initialVUs: (s) => s.vus,
  durationMs: (s) => s.maxDurationMs,
  scale: (s, tuple) =>
    tuple.whole ? s : { ...s, vus: tuple.scale(s.vus), iterations: tuple.scale(s.iterations) },
  start(s, context) {
    // This shard's VUs share exactly its share of the iterations (the engine narrows `part` to
    // the shards that get a VU: `ShardPart.sharedBy`).
    const vus = context.part.count(s.vus);
    return runClosedLoop(context, vus, () => {
      let remaining = context.part.count(s.iterations);
      const take = () => remaining-- > 0;
      return {
        vus: Math.min(vus, Math.max(remaining, 0)),
        endAt: context.startAt + s.maxDurationMs,
        gracefulStopMs: s.gracefulStopMs,
        admit: () => take,
      };
    });
  },
};
