/** Conformance suite every executor configuration passes (one run per entry of EXECUTORS). */

import { describe, expect, it } from 'vitest';
import { createPathOf } from '../config/option-paths.js';
import { readScenario } from '../config/scenarios.js';
import { formatInputPath, InputProblems } from '../util/input-reader.js';
import { createExecutionTuple, WHOLE_TEST } from './execution-segment.js';
import type { Executor } from './executor.js';
import { COMMON_SCENARIO_KEYS } from './options.js';
import { EXECUTOR_NAMES, EXECUTORS, type ScenarioPlan } from './registry.js';

/** The smallest valid scenario of each executor, as a script would write it. */
const MINIMAL: Record<string, Record<string, unknown>> = {
  'shared-iterations': {},
  'per-vu-iterations': {},
  'constant-vus': { duration: '10s' },
  'ramping-vus': { stages: [{ duration: '10s', target: 5 }] },
  'constant-arrival-rate': { rate: 10, duration: '10s', preAllocatedVUs: 2 },
  'ramping-arrival-rate': { stages: [{ duration: '10s', target: 5 }], preAllocatedVUs: 2 },
};

/** A scenario of each executor with several VUs, to split between execution segments. */
const SIZED: Record<string, Record<string, unknown>> = {
  'shared-iterations': { vus: 5, iterations: 11 },
  'per-vu-iterations': { vus: 5, iterations: 3 },
  'constant-vus': { vus: 5, duration: '10s' },
  'ramping-vus': { startVUs: 0, stages: [{ duration: '10s', target: 5 }] },
  'constant-arrival-rate': { rate: 10, duration: '10s', preAllocatedVUs: 5, maxVUs: 7 },
  'ramping-arrival-rate': {
    stages: [{ duration: '10s', target: 5 }],
    preAllocatedVUs: 5,
    maxVUs: 7,
  },
};

function read(executor: string, fields: Record<string, unknown>) {
  const problems = new InputProblems();
  const scenario = readScenario(
    {
      name: 'x',
      raw: { executor, ...fields },
      pathOf: createPathOf(['options', 'scenarios', 'x']),
    },
    problems,
  );
  return { scenario, problems: problems.problems };
}

describe.each(EXECUTOR_NAMES)('executor %s', (name) => {
  const kind = EXECUTORS[name] as unknown as Executor<ScenarioPlan>;

  it('is registered under its own name and has its own keys only', () => {
    expect(kind.name).toBe(name);
    for (const key of kind.keys)
      expect(COMMON_SCENARIO_KEYS as readonly string[]).not.toContain(key);
    expect(new Set(kind.keys).size).toBe(kind.keys.length);
  });

  it('reads its minimal config with the shared defaults and validates it', () => {
    const { scenario, problems } = read(name, MINIMAL[name] ?? {});
    expect(problems).toEqual([]);
    const s = scenario as ScenarioPlan;
    expect(s).toMatchObject({
      name: 'x',
      executor: name,
      startTimeMs: 0,
      gracefulStopMs: 30_000,
      exec: 'default',
    });
    expect(kind.validate(s)).toEqual([]);
  });

  it('reports sizes that are finite and consistent', () => {
    const s = read(name, MINIMAL[name] ?? {}).scenario as ScenarioPlan;
    expect(Number.isInteger(kind.maxVUs(s))).toBe(true);
    expect(kind.maxVUs(s)).toBeGreaterThan(0);
    expect(Number.isFinite(kind.durationMs(s))).toBe(true);
    expect(kind.durationMs(s)).toBeGreaterThan(0);
    expect(Number.isInteger(kind.initialVUs(s))).toBe(true);
    expect(kind.initialVUs(s)).toBeGreaterThan(0);
    expect(kind.initialVUs(s)).toBeLessThanOrEqual(kind.maxVUs(s));
  });

  it('scales to execution segments whose VUs add up to the whole test', () => {
    const s = read(name, SIZED[name] ?? {}).scenario as ScenarioPlan;
    expect(kind.scale(s, WHOLE_TEST)).toBe(s);
    const halves = ['0:1/2', '1/2:1'].map((segment) =>
      kind.scale(s, createExecutionTuple(segment)),
    );
    expect(halves.reduce((sum, half) => sum + kind.maxVUs(half), 0)).toBe(kind.maxVUs(s));
    for (const half of halves) expect(kind.validate(half)).toEqual([]);
  });

  it('reads its k6 JSON form back to the same scenario', () => {
    const s = read(name, { ...SIZED[name], exec: 'api', startTime: '5s', tags: { a: 'b' } })
      .scenario as ScenarioPlan;
    const own = kind.k6Options(s);
    for (const key of Object.keys(own)) expect(kind.keys).toContain(key);
    const back = read(name, { ...own, exec: 'api', startTime: '5s', tags: { a: 'b' } });
    expect(back.problems).toEqual([]);
    expect(back.scenario).toEqual(s);
  });

  it('holds at most maxVUs over its run and says whether it is time-scheduled', () => {
    const s = read(name, SIZED[name] ?? {}).scenario as ScenarioPlan;
    const reservation = kind.reservation?.(s);
    const length = kind.durationMs(s) + s.gracefulStopMs;
    for (const t of [0, ...(reservation?.changes ?? []), length / 2, length - 1]) {
      const held = reservation ? reservation.at(t) : kind.maxVUs(s);
      expect(Number.isInteger(held)).toBe(true);
      expect(held).toBeGreaterThanOrEqual(0);
      expect(held).toBeLessThanOrEqual(kind.maxVUs(s));
    }
    expect(typeof kind.timeScheduled).toBe('boolean');
    const rate = kind.peakIterationRate?.(s);
    if (rate !== undefined) expect(rate).toBeGreaterThan(0);
    const stages = kind.stages?.(s);
    if (stages !== undefined) expect(stages.length).toBeGreaterThan(0);
  });

  it('describes itself in one line ending with the graceful stop', () => {
    const s = read(name, { ...MINIMAL[name], exec: 'api', startTime: '5s' })
      .scenario as ScenarioPlan;
    const text = kind.describe(s);
    expect(text).not.toContain('\n');
    expect(text).toMatch(/\(.*exec: api, startTime: 5s, gracefulStop: 30s\)$/);
  });

  it('rejects unknown fields with the nearest valid one and shared fields of the wrong type', () => {
    const { scenario, problems } = read(name, {
      ...MINIMAL[name],
      gracefulStopp: '1s',
      tags: { a: 1 },
      startTime: '-1s',
    });
    expect(scenario).toBeUndefined();
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          path: ['options', 'scenarios', 'x', 'gracefulStopp'],
          suggestion: 'gracefulStop',
        }),
        expect.objectContaining({
          path: ['options', 'scenarios', 'x', 'tags', 'a'],
          message: 'must be a string, got 1',
        }),
        expect.objectContaining({
          path: ['options', 'scenarios', 'x', 'startTime'],
          message: 'can\'t be negative, got "-1s"',
        }),
      ]),
    );
  });

  it('rejects scenario names k6 would reject', () => {
    const problems = new InputProblems();
    readScenario(
      {
        name: 'bad name',
        raw: { executor: name, ...MINIMAL[name] },
        pathOf: createPathOf(['options', 'scenarios', 'bad name']),
      },
      problems,
    );
    expect(problems.problems.map((p) => formatInputPath(p.path))).toEqual([
      'options.scenarios["bad name"]',
    ]);
  });
});
