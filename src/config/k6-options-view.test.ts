import { describe, expect, it } from 'vitest';
import { buildPlan } from './build-plan.js';
import { k6OptionsView } from './k6-options-view.js';

interface View {
  scenarios: Record<string, Record<string, unknown> & { stages: object[] }>;
  thresholds: Record<string, unknown[]>;
}

describe('k6OptionsView (exec.test.options)', () => {
  it('shows the stages shortcut as scenarios.default with k6 durations', () => {
    const { plan } = buildPlan({
      scriptOptions: {
        stages: [
          { duration: '90s', target: 5 },
          { duration: '250ms', target: 0 },
        ],
        thresholds: {
          http_req_duration: ['p(95)<500', { threshold: 'max<900', abortOnFail: true }],
        },
      },
    });
    const view = k6OptionsView(plan) as unknown as View;
    expect(view.scenarios.default).toMatchObject({
      executor: 'ramping-vus',
      startVUs: 1,
      stages: [
        { duration: '1m30s', target: 5 },
        { duration: '250ms', target: 0 },
      ],
      gracefulStop: '30s',
      exec: 'default',
    });
    expect(view.thresholds.http_req_duration).toEqual([
      'p(95)<500',
      { threshold: 'max<900', abortOnFail: true, delayAbortEval: '0ms' },
    ]);
    expect(Object.isFrozen(view.scenarios.default?.stages[0])).toBe(true);
  });

  it('keeps named scenarios with their executor fields, CLI overrides included', () => {
    const { plan } = buildPlan({
      scriptOptions: {
        scenarios: {
          api: {
            executor: 'constant-arrival-rate',
            rate: 20,
            duration: '30s',
            preAllocatedVUs: 5,
            exec: 'api',
          },
        },
      },
    });
    expect((k6OptionsView(plan) as unknown as View).scenarios.api).toMatchObject({
      executor: 'constant-arrival-rate',
      rate: 20,
      timeUnit: '1s',
      duration: '30s',
      preAllocatedVUs: 5,
      maxVUs: 5,
      exec: 'api',
    });
    const overridden = buildPlan({
      scriptOptions: { vus: 3, duration: '1m' },
      cli: { iterations: 4 },
    });
    expect((k6OptionsView(overridden.plan) as unknown as View).scenarios.default).toMatchObject({
      executor: 'shared-iterations',
      iterations: 4,
    });
  });
});
