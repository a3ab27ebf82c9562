/** Presets: the exact stages each test type produces, open-model variants, settings and errors. */

import { describe, expect, it } from 'vitest';
import { isRedlineError } from '../../errors/redline-error.js';
import type { Stage } from '../../executors/executor.js';
import { executorOf } from '../../executors/registry.js';
import { formatInputPath } from '../../util/input-reader.js';
import { checkPlan } from '../build-plan.js';
import { buildPreset, PRESET_KINDS } from './index.js';

const s = (seconds: number, target: number): Stage => ({ durationMs: seconds * 1000, target });

describe('stages from X = 10 VUs (defaults)', () => {
  const cases: Array<[(typeof PRESET_KINDS)[number], Stage[]]> = [
    ['load', [s(30, 10), s(120, 10), s(10, 0)]],
    ['peak', [s(30, 30), s(120, 30), s(10, 0)]],
    ['spike', [s(10, 10), s(30, 10), s(2, 50), s(20, 50), s(2, 10), s(60, 10), s(10, 0)]],
    ['soak', [s(60, 10), s(3600, 10), s(30, 0)]],
    ['volume', [s(30, 10), s(120, 10), s(10, 0)]],
  ];
  it.each(cases)('%s', (kind, stages) => {
    const preset = buildPreset(kind, { vus: 10 });
    expect(preset.scenarios).toEqual([
      {
        name: kind,
        executor: 'ramping-vus',
        startVUs: 0,
        stages,
        gracefulRampDownMs: 30_000,
        gracefulStopMs: 30_000,
        startTimeMs: 0,
        exec: 'default',
        env: preset.env,
        tags: {},
      },
    ]);
    expect(preset.stages).toHaveLength(stages.length);
    expect(preset.unit).toBe('VUs');
  });

  it('stress climbs in 10 steps of +X, each with a phase the audit can evaluate', () => {
    const preset = buildPreset('stress', { vus: 10 });
    const scenario = preset.scenarios[0];
    if (scenario?.executor !== 'ramping-vus') throw new Error('expected ramping-vus');
    const expected: Stage[] = [];
    for (let i = 1; i <= 10; i++) expected.push(s(10, 10 * i), s(20, 10 * i));
    expected.push(s(10, 0));
    expect(scenario.stages).toEqual(expected);
    expect(preset.phases).toHaveLength(10);
    expect(preset.phases[0]).toEqual({
      name: 'step 1',
      target: 10,
      startMs: 10_000,
      endMs: 30_000,
    });
    expect(preset.phases[9]).toEqual({
      name: 'step 10',
      target: 100,
      startMs: 280_000,
      endMs: 300_000,
    });
  });

  it('describes each stage and phase in words', () => {
    const spike = buildPreset('spike', { vus: 10 });
    expect(spike.stages).toEqual([
      'ramp 0 -> 10 VUs over 10s',
      'hold 10 VUs for 30s (baseline)',
      'ramp 10 -> 50 VUs over 2s',
      'hold 50 VUs for 20s (spike)',
      'ramp 50 -> 10 VUs over 2s',
      'hold 10 VUs for 1m0s (recovery)',
      'ramp 10 -> 0 VUs over 10s',
    ]);
    expect(spike.phases.map((p) => [p.name, p.target, p.startMs, p.endMs])).toEqual([
      ['baseline', 10, 10_000, 40_000],
      ['spike', 50, 42_000, 62_000],
      ['recovery', 10, 64_000, 124_000],
    ]);
  });
});

describe('settings', () => {
  it('changes durations, multiplier and steps', () => {
    const peak = buildPreset('peak', {
      vus: 20,
      multiplier: 2.5,
      rampUp: '1m',
      duration: '30m',
      rampDown: 0,
    });
    expect(peak.scenarios[0]).toMatchObject({ stages: [s(60, 50), s(1800, 50), s(0, 0)] });
    const stress = buildPreset('stress', {
      vus: 50,
      step: 25,
      steps: 3,
      stepDuration: '1m',
      rampUp: '5s',
    });
    expect(stress.scenarios[0]).toMatchObject({
      stages: [s(5, 50), s(60, 50), s(5, 75), s(60, 75), s(5, 100), s(60, 100), s(10, 0)],
    });
    expect(buildPreset('soak', { vus: 5, duration: '24h' }).phases[0]).toMatchObject({
      endMs: 60_000 + 86_400_000,
    });
  });

  it('volume passes the payload size to the script', () => {
    const preset = buildPreset('volume', { vus: 5, payloadBytes: 5_000_000 });
    expect(preset.env).toEqual({
      REDLINE_PRESET: 'volume',
      REDLINE_PRESET_BASE: '5',
      PAYLOAD_BYTES: '5000000',
    });
    expect(preset.payloadBytes).toBe(5_000_000);
    expect(buildPreset('volume', { vus: 5 }).env['PAYLOAD_BYTES']).toBe('1048576');
    expect(buildPreset('load', { vus: 5 }).env).toEqual({
      REDLINE_PRESET: 'load',
      REDLINE_PRESET_BASE: '5',
    });
  });

  // The limits of the founding brief's load test plan [ref: load-test-plan].
  it("suggests the load test plan's limits as thresholds", () => {
    expect(buildPreset('load', { vus: 1 }).suggestedThresholds).toEqual({
      http_req_duration: ['p(99)<500'],
      http_req_failed: ['rate<0.001'],
    });
    expect(buildPreset('peak', { vus: 1 }).suggestedThresholds).toEqual({
      http_req_duration: ['p(99)<1000'],
      http_req_failed: ['rate<0.01'],
    });
  });
});

describe('open model (--rate X)', () => {
  it('produces ramping-arrival-rate with VUs sized for the peak rate', () => {
    const preset = buildPreset('peak', { rate: 200 });
    expect(preset.unit).toBe('iterations/s');
    expect(preset.scenarios[0]).toMatchObject({
      executor: 'ramping-arrival-rate',
      startRate: 0,
      timeUnitMs: 1000,
      stages: [s(30, 600), s(120, 600), s(10, 0)],
      preAllocatedVUs: 60,
      maxVUs: 600,
    });
    expect(
      buildPreset('load', { rate: 3, preAllocatedVUs: 2, maxVUs: 8 }).scenarios[0],
    ).toMatchObject({ preAllocatedVUs: 2, maxVUs: 8 });
  });

  it('soak holds a constant arrival rate', () => {
    const preset = buildPreset('soak', { rate: 50, duration: '2h' });
    expect(preset.scenarios[0]).toMatchObject({
      executor: 'constant-arrival-rate',
      rate: 50,
      durationMs: 7_200_000,
      preAllocatedVUs: 5,
      maxVUs: 50,
    });
    expect(preset.stages).toEqual(['constant 50 iterations/s for 2h0m0s']);
    expect(preset.phases).toEqual([{ name: 'hold', target: 50, startMs: 0, endMs: 7_200_000 }]);
  });
});

it.each(
  PRESET_KINDS.flatMap(
    (kind) =>
      [
        [kind, 'vus'],
        [kind, 'rate'],
      ] as const,
  ),
)('%s (%s) is a valid scenario', (kind, model) => {
  const preset = buildPreset(kind, { [model]: 7 });
  for (const scenario of preset.scenarios)
    expect(executorOf(scenario).validate(scenario)).toEqual([]);
});

describe('errors', () => {
  it('needs exactly one base load and valid settings, all reported', () => {
    let caught: unknown;
    try {
      buildPreset('stress', { vus: 0, steps: 0, stepDuration: 'soon', multiplier: -1 });
    } catch (error) {
      caught = error;
    }
    expect(isRedlineError(caught) && caught.problems).toEqual([
      'preset.vus: must be a whole number ≥ 1, got 0',
      'preset.multiplier: must be more than 0, got -1',
      'preset.steps: must be a whole number ≥ 1, got 0',
      'preset.stepDuration: must be a duration such as "30s", "1m30s" or "500ms" (a bare number is milliseconds), got "soon"',
    ]);
    expect(() => buildPreset('load', {})).toThrow(/invalid load preset/);
    expect(() => buildPreset('load', { vus: 1, rate: 1 })).toThrow(/invalid load preset/);
  });
});

describe('through buildPlan (--preset)', () => {
  it('uses --vus as X and --duration as the hold, replacing the script execution', () => {
    const result = checkPlan({
      scriptOptions: { vus: 3, duration: '10s', thresholds: { http_req_failed: ['rate<0.01'] } },
      cli: { preset: 'load', vus: 50, duration: '5m' },
      exportedFunctions: ['default'],
    });
    expect(result.problems).toEqual([]);
    expect(result.plan?.scenarios[0]).toMatchObject({
      name: 'load',
      stages: [s(30, 50), s(300, 50), s(10, 0)],
    });
    expect(result.plan?.thresholds['http_req_failed']).toHaveLength(1);
    expect(result.preset?.kind).toBe('load');
    expect(result.warnings).toEqual([
      '--preset: replaces the execution options options.vus, options.duration',
    ]);
  });

  it('reports preset problems with the rest', () => {
    const result = checkPlan({ cli: { preset: 'lod' as 'load', vus: 5 } });
    expect(result.problems).toEqual([
      { path: ['preset'], message: 'unknown preset "lod"', suggestion: 'load' },
    ]);
    const conflicts = checkPlan({
      cli: { preset: 'load', rate: 10, stages: ['1s:1'], presetOptions: { exec: 'api' } },
      exportedFunctions: ['default'],
    });
    expect(conflicts.problems.map((p) => formatInputPath(p.path))).toEqual([
      '--stage',
      'preset.exec',
    ]);
    expect(checkPlan({ cli: { rate: 10 } }).problems[0]?.path).toEqual(['--rate']);
  });
});
