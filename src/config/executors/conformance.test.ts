/** Conformance suite every executor configuration passes (one run per entry of EXECUTORS). */
import { describe, expect, it } from 'vitest';
import type { ScenarioPlan } from '../plan.js';
import { ProblemList } from '../problems.js';
import { createPathOf } from '../read-values.js';
import { readScenario } from '../scenarios.js';
import { COMMON_SCENARIO_KEYS, EXECUTOR_NAMES, EXECUTORS, type ExecutorKind } from './index.js';

/** The smallest valid scenario of each executor, as a script would write it. */
const MINIMAL: Record<string, Record<string, unknown>> = {
  'shared-iterations': {},
  'per-vu-iterations': {},
  'constant-vus': { duration: '10s' },
  'ramping-vus': { stages: [{ duration: '10s', target: 5 }] },
  'constant-arrival-rate': { rate: 10, duration: '10s', preAllocatedVUs: 2 },
  'ramping-arrival-rate': { stages: [{ duration: '10s', target: 5 }], preAllocatedVUs: 2 },
};

function read(executor: string, fields: Record<string, unknown>) {
  const problems = new ProblemList();
  const scenario = readScenario(
    { name: 'x', raw: { executor, ...fields }, pathOf: createPathOf('options.scenarios.x') },
    problems,
  );
  return { scenario, problems: problems.problems };
}

describe.each(EXECUTOR_NAMES)('executor %s', (name) => {
  const kind = EXECUTORS[name] as unknown as ExecutorKind;

  it('is registered under its own name and has its own keys only', () => {
    expect(kind.executor).toBe(name);
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
          path: 'options.scenarios.x.gracefulStopp',
          suggestion: 'gracefulStop',
        }),
        expect.objectContaining({
          path: 'options.scenarios.x.tags.a',
          message: 'must be a string, got 1 (a number)',
        }),
        expect.objectContaining({
          path: 'options.scenarios.x.startTime',
          message: "can't be negative",
        }),
      ]),
    );
  });

  it('rejects scenario names k6 would reject', () => {
    const problems = new ProblemList();
    readScenario(
      {
        name: 'bad name',
        raw: { executor: name, ...MINIMAL[name] },
        pathOf: createPathOf('options.scenarios.bad name'),
      },
      problems,
    );
    expect(problems.problems.map((p) => p.path)).toEqual(['options.scenarios.bad name']);
  });
});
