/** Execution shortcuts (vus/duration/iterations/stages) and their conflicts, as k6 maps them. */

import { describe, expect, it } from 'vitest';
import { formatInputPath, formatInputProblem } from '../util/input-reader.js';
import { checkPlan } from './build-plan.js';

function scenariosOf(scriptOptions: unknown) {
  const result = checkPlan({ scriptOptions });
  expect(result.problems.map((p) => formatInputProblem(p))).toEqual([]);
  return { scenarios: result.plan?.scenarios ?? [], warnings: result.warnings };
}

describe('shortcuts', () => {
  const cases: Array<[string, unknown, Record<string, unknown>]> = [
    ['nothing', undefined, { executor: 'per-vu-iterations', vus: 1, iterations: 1 }],
    [
      'vus + duration',
      { vus: 10, duration: '30s' },
      { executor: 'constant-vus', vus: 10, durationMs: 30_000 },
    ],
    [
      'duration alone',
      { duration: '1m' },
      { executor: 'constant-vus', vus: 1, durationMs: 60_000 },
    ],
    [
      'vus + iterations',
      { vus: 5, iterations: 50 },
      { executor: 'shared-iterations', vus: 5, iterations: 50, maxDurationMs: 600_000 },
    ],
    [
      'iterations alone',
      { iterations: 7 },
      { executor: 'shared-iterations', vus: 1, iterations: 7 },
    ],
    [
      'iterations + duration',
      { iterations: 7, duration: '20s' },
      { executor: 'shared-iterations', iterations: 7, maxDurationMs: 20_000 },
    ],
    ['vus alone (k6 v2)', { vus: 4 }, { executor: 'shared-iterations', vus: 4, iterations: 4 }],
    [
      'stages',
      { stages: [{ duration: '10s', target: 20 }] },
      { executor: 'ramping-vus', startVUs: 1, stages: [{ durationMs: 10_000, target: 20 }] },
    ],
    [
      'vus + stages',
      { vus: 3, stages: [{ duration: '10s', target: 20 }] },
      { executor: 'ramping-vus', startVUs: 3 },
    ],
    ['empty stages', { stages: [] }, { executor: 'per-vu-iterations', vus: 1, iterations: 1 }],
  ];
  it.each(cases)('%s', (_name, options, expected) => {
    const { scenarios } = scenariosOf(options);
    expect(scenarios).toHaveLength(1);
    expect(scenarios[0]).toMatchObject({
      name: 'default',
      exec: 'default',
      gracefulStopMs: 30_000,
      ...expected,
    });
  });

  it('warns when stages or scenarios are explicitly empty', () => {
    expect(scenariosOf({ stages: [] }).warnings).toEqual([
      'options.stages: is empty: running 1 iteration with 1 VU',
    ]);
    expect(scenariosOf({ scenarios: {} }).warnings).toEqual([
      'options.scenarios: is empty: running 1 iteration with 1 VU',
    ]);
  });

  it('ignores vus next to scenarios in the same tier, with a warning', () => {
    const { scenarios, warnings } = scenariosOf({
      vus: 10,
      scenarios: { a: { executor: 'constant-vus', duration: '5s' } },
    });
    expect(scenarios.map((s) => s.name)).toEqual(['a']);
    expect(warnings[0]).toContain('options.vus: ignored because options.scenarios is set');
  });

  it('names the shortcut option in problems, not the derived scenario', () => {
    const result = checkPlan({ scriptOptions: { vus: 0, duration: '500ms' } });
    expect(result.problems.map((p) => formatInputProblem(p))).toEqual([
      'options.vus: the number of VUs must be more than 0',
      'options.duration: must be at least 1s, got 500ms',
    ]);
    const stages = checkPlan({ scriptOptions: { stages: [{ duration: '1x', target: 5 }] } });
    expect(stages.problems.map((p) => formatInputProblem(p))).toEqual([
      'options.stages[0].duration: must be a duration such as "30s", "1m30s" or "500ms" (a bare number is milliseconds), got "1x"',
    ]);
  });
});

describe('conflicts (k6 ExecutionConflictError)', () => {
  const stages = [{ duration: '10s', target: 5 }];
  const scenarios = { a: { executor: 'constant-vus', duration: '5s' } };
  const cases: Array<[string, unknown, string[]]> = [
    ['iterations + stages', { iterations: 5, stages }, ['options.iterations']],
    ['iterations + scenarios', { iterations: 5, scenarios }, ['options.iterations']],
    ['duration + stages', { duration: '5s', stages }, ['options.duration']],
    ['duration + scenarios', { duration: '5s', scenarios }, ['options.duration']],
    ['stages + scenarios', { stages, scenarios }, ['options.stages']],
    [
      'all of them',
      { iterations: 1, duration: '5s', stages, scenarios },
      [
        'options.iterations',
        'options.iterations',
        'options.duration',
        'options.duration',
        'options.stages',
      ],
    ],
  ];
  it.each(cases)('%s', (_name, options, paths) => {
    const result = checkPlan({ scriptOptions: options });
    expect(result.plan).toBeUndefined();
    expect(result.problems.map((p) => formatInputPath(p.path))).toEqual(paths);
    for (const p of result.problems)
      expect(p.message).toMatch(/^ExecutionConflict: .* can't be used together/);
  });

  it('still validates the scenarios of a conflicting configuration', () => {
    const result = checkPlan({
      scriptOptions: { duration: '5s', scenarios: { a: { executor: 'constant-vus' } } },
    });
    expect(result.problems.map((p) => formatInputProblem(p))).toEqual([
      "options.duration: ExecutionConflict: options.duration and options.scenarios can't be used together; use one of them, or describe the execution in scenarios",
      'options.scenarios.a.duration: is required (e.g. "30s")',
    ]);
  });

  it('still validates each conflicting shortcut, so every problem is listed in one pass', () => {
    const result = checkPlan({
      scriptOptions: {
        vus: 0,
        duration: '10x',
        iterations: 'abc',
        stages: [{ duration: '1m', target: -1 }],
      },
    });
    expect(result.problems.map((p) => formatInputProblem(p))).toEqual([
      "options.iterations: ExecutionConflict: options.iterations and options.stages can't be used together; use one of them, or describe the execution in scenarios",
      "options.duration: ExecutionConflict: options.duration and options.stages can't be used together; use one of them, or describe the execution in scenarios",
      'options.iterations: must be a whole number ≥ 0, got "abc"',
      'options.vus: the number of VUs must be more than 0',
      'options.duration: must be a duration such as "30s", "1m30s" or "500ms" (a bare number is milliseconds), got "10x"',
      'options.stages[0].target: must be a whole number ≥ 0, got -1',
    ]);
  });
});
