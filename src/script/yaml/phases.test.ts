import { describe, expect, it } from 'vitest';
import { readYamlPlan } from './compile-plan.js';
import { wholeRates } from './phases.js';

const FLOW = 'flow:\n  - get: /\n';

function optionsOf(yaml: string): Record<string, unknown> {
  return readYamlPlan('/tmp/plan.yaml', `target: http://127.0.0.1:1\n${yaml}${FLOW}`).plan.options;
}

describe('Artillery phases', () => {
  it('turns whole and fractional rates into whole numbers per time unit', () => {
    expect(wholeRates([5, 10])).toEqual({ rates: [5, 10], timeUnitSeconds: 1 });
    expect(wholeRates([0.5])).toEqual({ rates: [5], timeUnitSeconds: 10 });
    expect(wholeRates([0.25, 2])).toEqual({ rates: [25, 200], timeUnitSeconds: 100 });
  });

  it('maps each phase to an arrival-rate scenario, one after another', () => {
    const options = optionsOf(`phases:
  - { name: Warm up, duration: 60, arrivalRate: 1, rampTo: 5 }
  - { duration: 2m, arrivalRate: 5 }
  - { pause: 10 }
  - { duration: 10, arrivalCount: 50, maxVusers: 20 }
`);
    expect(options['scenarios']).toEqual({
      phase_1_warm_up: {
        executor: 'ramping-arrival-rate',
        startRate: 1,
        timeUnit: '1s',
        stages: [{ duration: '60000ms', target: 5 }],
        preAllocatedVUs: 5,
        maxVUs: 150,
        tags: { phase: 'Warm up' },
      },
      phase_2: {
        executor: 'constant-arrival-rate',
        rate: 5,
        timeUnit: '1s',
        duration: '120000ms',
        preAllocatedVUs: 5,
        maxVUs: 150,
        startTime: '60000ms',
      },
      phase_4: {
        executor: 'constant-arrival-rate',
        rate: 50,
        timeUnit: '10000ms',
        duration: '10000ms',
        preAllocatedVUs: 5,
        maxVUs: 20,
        startTime: '190000ms',
      },
    });
  });

  it('passes k6 stages through as ramping VUs', () => {
    const options = optionsOf('stages:\n  - { duration: 30s, target: 10 }\n');
    expect(options['stages']).toEqual([{ duration: '30s', target: 10 }]);
    expect(options['scenarios']).toBeUndefined();
  });
});
