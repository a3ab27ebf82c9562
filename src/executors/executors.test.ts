/** Each executor's k6 defaults, validation errors and description, table-driven. */

import { describe, expect, it } from 'vitest';
import { createPathOf } from '../config/option-paths.js';
import { readScenario } from '../config/scenarios.js';
import { formatInputPath, InputProblems } from '../util/input-reader.js';
import { executorOf } from './registry.js';

function read(raw: Record<string, unknown>) {
  const problems = new InputProblems();
  const scenario = readScenario(
    { name: 's', raw, pathOf: createPathOf(['options', 'scenarios', 's']) },
    problems,
  );
  return {
    scenario,
    problems: problems.problems.map((p) => `${formatInputPath(p.path)}: ${p.message}`),
  };
}

describe('defaults', () => {
  const cases: Array<[string, Record<string, unknown>, Record<string, unknown>]> = [
    ['shared-iterations', {}, { vus: 1, iterations: 1, maxDurationMs: 600_000 }],
    ['per-vu-iterations', { vus: 3 }, { vus: 3, iterations: 1, maxDurationMs: 600_000 }],
    ['constant-vus', { duration: '1m' }, { vus: 1, durationMs: 60_000 }],
    [
      'ramping-vus',
      { stages: [{ duration: '30s', target: 10 }] },
      { startVUs: 1, gracefulRampDownMs: 30_000, stages: [{ durationMs: 30_000, target: 10 }] },
    ],
    [
      'constant-arrival-rate',
      { rate: 50, duration: 90_000, preAllocatedVUs: 5 },
      { rate: 50, timeUnitMs: 1000, durationMs: 90_000, preAllocatedVUs: 5, maxVUs: 5 },
    ],
    [
      'ramping-arrival-rate',
      {
        stages: [{ duration: '1m', target: 100 }],
        preAllocatedVUs: 10,
        maxVUs: 50,
        timeUnit: '1m',
      },
      { startRate: 0, timeUnitMs: 60_000, preAllocatedVUs: 10, maxVUs: 50 },
    ],
  ];
  it.each(cases)('%s fills in k6 defaults', (executor, fields, expected) => {
    const { scenario, problems } = read({ executor, ...fields });
    expect(problems).toEqual([]);
    expect(scenario).toMatchObject({
      ...expected,
      gracefulStopMs: 30_000,
      startTimeMs: 0,
      exec: 'default',
      env: {},
      tags: {},
    });
  });
});

describe('validation errors', () => {
  const at = (field: string, message: string) => `options.scenarios.s.${field}: ${message}`;
  const cases: Array<[string, Record<string, unknown>, string[]]> = [
    ['shared-iterations', { vus: 0 }, [at('vus', 'the number of VUs must be more than 0')]],
    [
      'shared-iterations',
      { vus: 10, iterations: 5 },
      [at('iterations', "the number of iterations (5) can't be less than the number of VUs (10)")],
    ],
    [
      'shared-iterations',
      { maxDuration: '500ms' },
      [at('maxDuration', 'must be at least 1s, got 500ms')],
    ],
    [
      'per-vu-iterations',
      { iterations: 0 },
      [at('iterations', 'the number of iterations must be more than 0')],
    ],
    ['per-vu-iterations', { vus: 2.5 }, [at('vus', 'must be a whole number ≥ 0, got 2.5')]],
    ['constant-vus', {}, [at('duration', 'is required (e.g. "30s")')]],
    [
      'constant-vus',
      { duration: 'ten seconds', vus: '5' },
      [
        at('vus', 'must be a whole number ≥ 0, got "5"'),
        at(
          'duration',
          'must be a duration such as "30s", "1m30s" or "500ms" (a bare number is milliseconds), got "ten seconds"',
        ),
      ],
    ],
    ['ramping-vus', {}, [at('stages', 'at least one stage is needed')]],
    [
      'ramping-vus',
      { startVUs: 0, stages: [{ duration: '10s', target: 0 }] },
      [at('stages', 'either startVUs or one of the stage targets must be more than 0')],
    ],
    [
      'ramping-vus',
      { stages: [{ duration: '-5s', target: 1 }, { target: -2 }, { duration: '1s', taget: 3 }] },
      [
        at('stages[0].duration', 'can\'t be negative, got "-5s"'),
        at('stages[1].duration', 'stage 2 has no duration'),
        at('stages[1].target', 'must be a whole number ≥ 0, got -2'),
        at('stages[2].taget', 'unknown key "taget" in stage 3'),
        at('stages[2].target', 'stage 3 has no target'),
      ],
    ],
    [
      'constant-arrival-rate',
      { duration: '10s' },
      [
        at('rate', 'is required (iterations per timeUnit)'),
        at('preAllocatedVUs', 'is required (VUs to start before the scenario begins)'),
      ],
    ],
    [
      'constant-arrival-rate',
      { rate: 0, duration: '10s', preAllocatedVUs: 10, maxVUs: 5, timeUnit: 0 },
      [
        at('rate', 'the iteration rate must be more than 0'),
        at('timeUnit', 'must be more than 0'),
        at('maxVUs', "can't be less than preAllocatedVUs (10), got 5"),
      ],
    ],
    [
      'constant-arrival-rate',
      { rate: 5, duration: '10s', preAllocatedVUs: 0 },
      [at('maxVUs', 'must be more than 0, or no iteration could ever start')],
    ],
    [
      'ramping-arrival-rate',
      { startRate: -1, stages: [], preAllocatedVUs: 1 },
      [
        at('startRate', 'must be a whole number ≥ 0, got -1'),
        at('stages', 'at least one stage is needed'),
      ],
    ],
    [
      'ramping-arrival-rate',
      { stages: [{ duration: '10s', target: 5 }], preAllocatedVUs: 4, maxVUs: 2 },
      [at('maxVUs', "can't be less than preAllocatedVUs (4), got 2")],
    ],
  ];
  it.each(cases)('%s %j', (executor, fields, expected) => {
    const { scenario, problems } = read({ executor, ...fields });
    expect(scenario).toBeUndefined();
    expect(problems).toEqual(expected);
  });

  it('names the executor an option belongs to, and suggests the nearest executor', () => {
    expect(read({ executor: 'constant-vus', duration: '1s', rate: 5 }).problems).toEqual([
      'options.scenarios.s.rate: is not an option of constant-vus (it belongs to constant-arrival-rate)',
    ]);
    const problems = new InputProblems();
    readScenario(
      {
        name: 's',
        raw: { executor: 'ramping-vu' },
        pathOf: createPathOf(['options', 'scenarios', 's']),
      },
      problems,
    );
    expect(problems.problems).toEqual([
      {
        path: ['options', 'scenarios', 's', 'executor'],
        message: 'unknown executor "ramping-vu"',
        suggestion: 'ramping-vus',
      },
    ]);
    expect(read({ executor: 'externally-controlled' }).problems[0]).toContain('removed in k6 v2');
    expect(read({}).problems[0]).toMatch(/^options\.scenarios\.s\.executor: is required/);
  });
});

describe('descriptions (k6 wording)', () => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [
      { executor: 'shared-iterations', vus: 10, iterations: 200 },
      '200 iterations shared among 10 VUs (maxDuration: 10m0s, gracefulStop: 30s)',
    ],
    [
      { executor: 'per-vu-iterations', vus: 10, iterations: 20, maxDuration: '1h' },
      '20 iterations for each of 10 VUs (maxDuration: 1h0m0s, gracefulStop: 30s)',
    ],
    [
      { executor: 'constant-vus', vus: 50, duration: '1m30s', gracefulStop: 0 },
      '50 looping VUs for 1m30s',
    ],
    [
      {
        executor: 'ramping-vus',
        startVUs: 0,
        stages: [
          { duration: '20s', target: 10 },
          { duration: '10s', target: 0 },
        ],
      },
      'Up to 10 looping VUs for 30s over 2 stages (gracefulRampDown: 30s, gracefulStop: 30s)',
    ],
    [
      {
        executor: 'constant-arrival-rate',
        rate: 30,
        timeUnit: '1m',
        duration: '2m',
        preAllocatedVUs: 2,
        maxVUs: 10,
      },
      '0.50 iterations/s for 2m0s (maxVUs: 2-10, gracefulStop: 30s)',
    ],
    [
      {
        executor: 'ramping-arrival-rate',
        startRate: 10,
        stages: [{ duration: '1m', target: 200 }],
        preAllocatedVUs: 50,
        exec: 'api',
        startTime: '30s',
      },
      'Up to 200.00 iterations/s for 1m0s over 1 stages (maxVUs: 50, exec: api, startTime: 30s, gracefulStop: 30s)',
    ],
  ];
  it.each(cases)('%j', (raw, expected) => {
    const { scenario } = read(raw);
    expect(scenario).toBeDefined();
    if (scenario) expect(executorOf(scenario).describe(scenario)).toBe(expected);
  });
});
