import { describe, expect, it } from 'vitest';
import { checkPlan } from '../config/build-plan.js';
import {
  createExecutionTuple,
  ExecutionSegmentError,
  type ExecutionTuple,
  parseExecutionSegment,
  parseExecutionSegmentSequence,
  segmentText,
} from './execution-segment.js';
import { executorOf, type ScenarioPlan } from './registry.js';

/** A scenario as the instance running `tuple` describes it (each executor scales its own). */
function scaleScenario(scenario: ScenarioPlan, tuple: ExecutionTuple): ScenarioPlan {
  return executorOf(scenario).scale(scenario, tuple);
}

/** All tuples of a sequence text (`0,1/3,2/3,1`). */
function tuplesOf(sequence: string) {
  const points = sequence.split(',');
  return points.slice(1).map((to, i) => createExecutionTuple(`${points[i]}:${to}`, sequence));
}

describe('parseExecutionSegment', () => {
  it('reads fractions, decimals, whole percentages and mixes of them as k6 does', () => {
    expect(segmentText(parseExecutionSegment('1/4:2/4'))).toBe('1/4:1/2');
    expect(segmentText(parseExecutionSegment('0.25:0.5'))).toBe('1/4:1/2');
    expect(segmentText(parseExecutionSegment('25%:50%'))).toBe('1/4:1/2');
    expect(segmentText(parseExecutionSegment('2/4:75%'))).toBe('1/2:3/4');
    // A single value is the end of a segment starting at 0; empty is the whole test.
    expect(segmentText(parseExecutionSegment('1/5'))).toBe('0:1/5');
    expect(segmentText(parseExecutionSegment('20%'))).toBe('0:1/5');
    expect(segmentText(parseExecutionSegment(''))).toBe('0:1');
  });

  it('rejects what k6 rejects, saying why', () => {
    expect(() => parseExecutionSegment('1/2:1/4')).toThrow(/must start before it ends/);
    expect(() => parseExecutionSegment('0:3/2')).toThrow(/cannot end after 1/);
    expect(() => parseExecutionSegment('a:1')).toThrow(ExecutionSegmentError);
    expect(() => parseExecutionSegment('12.5%')).toThrow(/whole percentage/);
    expect(() => parseExecutionSegment('1/0')).toThrow(/divides by zero/);
    expect(() => parseExecutionSegmentSequence('1')).toThrow(/at least 2 points/);
    expect(() => parseExecutionSegmentSequence('0,1/2,1/4,1')).toThrow(/start before it ends/);
  });
});

describe('createExecutionTuple', () => {
  it("stripes like k6's documented example (0:1/2, 1/2:3/4, 3/4:1)", () => {
    const [a, b, c] = tuplesOf('0,1/2,3/4,1');
    // k6's table: instance 1 owns 0 2 4 6 ..., instance 2 owns 1 5 9 ..., instance 3 owns 3 7 11 ...
    expect([0, 1, 2, 3, 4, 5].map((i) => a!.globalIndex(i))).toEqual([0, 2, 4, 6, 8, 10]);
    expect([0, 1, 2].map((i) => b!.globalIndex(i))).toEqual([1, 5, 9]);
    expect([0, 1, 2].map((i) => c!.globalIndex(i))).toEqual([3, 7, 11]);
    // ScaleInt64 for the values 1..12, as in k6's table.
    const values = Array.from({ length: 12 }, (_, i) => i + 1);
    expect(values.map((v) => a!.scale(v))).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6]);
    expect(values.map((v) => b!.scale(v))).toEqual([0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3]);
    expect(values.map((v) => c!.scale(v))).toEqual([0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3]);
  });

  it('fills a lone segment into a full sequence and finds it', () => {
    const t = createExecutionTuple('1/4:2/4');
    expect(t.toString()).toBe('1/4:1/2 in 0,1/4,1/2,1');
    expect(createExecutionTuple('0:1/3').toString()).toBe('0:1/3 in 0,1/3,1');
    expect(createExecutionTuple().whole).toBe(true);
    expect(createExecutionTuple(undefined, '0,1').whole).toBe(true);
  });

  it('rejects a segment that is not in the sequence', () => {
    expect(() => createExecutionTuple('0:1/3', '0,1/4,1/2,1')).toThrow(
      /segment 0:1\/3 is not one of the sequence's segments \(0,1\/4,1\/2,1\)/,
    );
    // A sequence but no segment: the whole test is not one of its parts either (as k6).
    expect(() => createExecutionTuple(undefined, '0,1/2,1')).toThrow(/not one of/);
  });

  for (const sequence of ['0,1/4,1/2,3/4,1', '0,1/3,2/3,1', '0,1/10,1', '0,1/10,3/10,1/2,1']) {
    it(`the parts of ${sequence} add up to every whole and partition the indices`, () => {
      const tuples = tuplesOf(sequence);
      for (let total = 0; total <= 123; total++) {
        const counts = tuples.map((t) => t.scale(total));
        expect(counts.reduce((s, c) => s + c, 0)).toBe(total);
        // The units 0..total-1 of each part are exactly the global indices below total.
        const seen = tuples.flatMap((t, k) =>
          Array.from({ length: counts[k]! }, (_, i) => t.globalIndex(i)),
        );
        expect(seen.sort((x, y) => x - y)).toEqual(Array.from({ length: total }, (_, i) => i));
      }
    });
  }
});

describe('executionSegment options', () => {
  const plan = (scriptOptions: Record<string, unknown>, cli: Record<string, string> = {}) =>
    checkPlan({
      scriptOptions: { vus: 2, iterations: 4, ...scriptOptions },
      cli,
      exportedFunctions: ['default'],
    });

  it('reads them from the script and lets the command line win', () => {
    const fromScript = plan({
      executionSegment: '1/4:2/4',
      executionSegmentSequence: '0,1/4,2/4,3/4,1',
    });
    expect(fromScript.problems).toEqual([]);
    expect(fromScript.plan?.options.executionSegment).toBe('1/4:2/4');
    const fromCli = plan(
      { executionSegment: '1/4:2/4', executionSegmentSequence: '0,1/4,2/4,3/4,1' },
      { executionSegment: '3/4:1' },
    );
    expect(fromCli.plan?.options.executionSegment).toBe('3/4:1');
    expect(plan({}).plan?.options.executionSegment).toBeUndefined();
    const fromEnv = checkPlan({
      scriptOptions: { vus: 2, iterations: 4 },
      env: { K6_EXECUTION_SEGMENT: '1/2:1', K6_EXECUTION_SEGMENT_SEQUENCE: '0,1/2,1' },
      exportedFunctions: ['default'],
    });
    expect(fromEnv.plan?.options.executionSegment).toBe('1/2:1');
    expect(fromEnv.plan?.options.executionSegmentSequence).toBe('0,1/2,1');
  });

  it('reports a bad segment, a bad sequence and a segment outside the sequence at their paths', () => {
    expect(plan({}, { executionSegment: '1/2:1/4' }).problems).toEqual([
      {
        path: ['--execution-segment'],
        message:
          'a segment must start before it ends (got 1/2:1/4); k6 syntax: 1/4:2/4 in 0,1/4,2/4,3/4,1',
      },
    ]);
    expect(plan({ executionSegmentSequence: '0,x,1' }).problems[0]?.path).toEqual([
      'options',
      'executionSegmentSequence',
    ]);
    expect(
      plan({}, { executionSegment: '0:1/3', executionSegmentSequence: '0,1/4,1/2,1' }).problems,
    ).toMatchObject([{ path: ['--execution-segment'], message: /not one of the sequence/ }]);
  });
});

describe('Executor.scale (the plan header of one instance)', () => {
  const base = {
    name: 'a',
    startTimeMs: 0,
    gracefulStopMs: 30_000,
    exec: 'default',
    env: {},
    tags: {},
  };
  it('gives each part of a sequence its share, adding up to the whole', () => {
    const tuples = tuplesOf('0,1/3,2/3,1');
    const shared = tuples.map((t) =>
      scaleScenario(
        { ...base, executor: 'shared-iterations', vus: 7, iterations: 50, maxDurationMs: 1000 },
        t,
      ),
    );
    expect(
      shared.map((s) => (s.executor === 'shared-iterations' ? [s.vus, s.iterations] : [])),
    ).toEqual([
      [3, 17],
      [2, 17],
      [2, 16],
    ]);
    const ramping = tuples.map((t) =>
      scaleScenario(
        {
          ...base,
          executor: 'ramping-vus',
          startVUs: 2,
          gracefulRampDownMs: 0,
          stages: [
            { durationMs: 1000, target: 10 },
            { durationMs: 1000, target: 5 },
          ],
        },
        t,
      ),
    );
    const targets = ramping.map((s) =>
      s.executor === 'ramping-vus' ? s.stages.map((x) => x.target) : [],
    );
    expect([0, 1].map((i) => targets.reduce((sum, t) => sum + t[i]!, 0))).toEqual([10, 5]);
    const rate = scaleScenario(
      {
        ...base,
        executor: 'constant-arrival-rate',
        rate: 30,
        timeUnitMs: 1000,
        durationMs: 1000,
        preAllocatedVUs: 5,
        maxVUs: 5,
      },
      tuples[0]!,
    );
    expect(rate).toMatchObject({ rate: 10, preAllocatedVUs: 2, maxVUs: 2 });
  });
});
