/**
 * describePlan (k6's scenario header), max VUs and max duration, on the options of the founding
 * brief's k6 script ([ref: load-test-plan]) and others.
 */
import { describe, expect, it } from 'vitest';
import { formatGoDuration } from '../util/duration.js';
import { buildPlan } from './build-plan.js';
import { describePlan, maxDurationMs, maxVUs, planMaxVUs } from './describe-plan.js';

/** The `options` of the founding brief's k6 script (5 stages: 100 VUs, then 300; [ref: load-test-plan]). */
const SEED_OPTIONS = {
  stages: [
    { duration: '5m', target: 100 },
    { duration: '15m', target: 100 },
    { duration: '5m', target: 300 },
    { duration: '15m', target: 300 },
    { duration: '5m', target: 0 },
  ],
  thresholds: {
    http_req_duration: ['p(50)<200', 'p(95)<500', 'p(99)<800'],
    errors: ['rate<0.01'],
    http_req_failed: ['rate<0.01'],
  },
};

describe("the founding brief's k6 script", () => {
  const { plan, warnings } = buildPlan({
    scriptOptions: SEED_OPTIONS,
    exportedFunctions: ['default'],
  });

  it('prints the header k6 prints', () => {
    expect(describePlan(plan)).toEqual([
      'scenarios: (100.00%) 1 scenario, 300 max VUs, 45m30s max duration (incl. graceful stop):',
      '* default: Up to 300 looping VUs for 45m0s over 5 stages (gracefulRampDown: 30s, gracefulStop: 30s)',
    ]);
  });

  it('has the helpers agree', () => {
    const scenario = plan.scenarios[0];
    if (!scenario) throw new Error('no scenario');
    expect(maxVUs(scenario)).toBe(300);
    expect(maxDurationMs(scenario)).toBe(45.5 * 60_000);
  });

  it('warns only that the custom metric "errors" is checked at the end', () => {
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('options.thresholds.errors');
  });
});

describe('several scenarios', () => {
  it('sums VUs of scenarios that overlap, graceful stop included (k6 docs example)', () => {
    const { plan } = buildPlan({
      scriptOptions: {
        scenarios: {
          news: {
            executor: 'per-vu-iterations',
            exec: 'news',
            vus: 50,
            iterations: 100,
            startTime: '30s',
            maxDuration: '1m',
          },
          contacts: { executor: 'constant-vus', exec: 'contacts', vus: 50, duration: '30s' },
        },
      },
      exportedFunctions: ['news', 'contacts'],
    });
    expect(describePlan(plan)).toEqual([
      'scenarios: (100.00%) 2 scenarios, 100 max VUs, 2m0s max duration (incl. graceful stop):',
      '* contacts: 50 looping VUs for 30s (exec: contacts, gracefulStop: 30s)',
      '* news: 100 iterations for each of 50 VUs (maxDuration: 1m0s, exec: news, startTime: 30s, gracefulStop: 30s)',
    ]);
  });

  it('follows a ramping scenario while another one runs', () => {
    const { plan } = buildPlan({
      scriptOptions: {
        scenarios: {
          steady: { executor: 'constant-vus', vus: 10, duration: '1m' },
          burst: {
            executor: 'ramping-vus',
            startVUs: 0,
            startTime: '30s',
            gracefulStop: '60s',
            stages: [
              { duration: '30s', target: 50 },
              { duration: '30s', target: 0 },
            ],
          },
        },
      },
    });
    expect(describePlan(plan)[0]).toBe(
      'scenarios: (100.00%) 2 scenarios, 60 max VUs, 2m30s max duration (incl. graceful stop):',
    );
  });

  it('keeps ramped-down VUs for gracefulRampDown', () => {
    const scenarios = (gracefulRampDown: string) =>
      buildPlan({
        scriptOptions: {
          scenarios: {
            ramp: {
              executor: 'ramping-vus',
              startVUs: 0,
              gracefulRampDown,
              stages: [
                { duration: '10s', target: 20 },
                { duration: '10s', target: 0 },
              ],
            },
            later: { executor: 'constant-vus', vus: 5, startTime: '20s', duration: '10s' },
          },
        },
      }).plan.scenarios;
    expect(planMaxVUs(scenarios('30s'))).toBe(25);
    expect(planMaxVUs(scenarios('0s'))).toBe(20);
  });

  it('prints the execution segment share', () => {
    const { plan } = buildPlan({ scriptOptions: { vus: 2, duration: '10s' } });
    expect(describePlan(plan, { segment: 0.5 })[0]).toBe(
      'scenarios: (50.00%) 1 scenario, 2 max VUs, 40s max duration (incl. graceful stop):',
    );
  });
});

describe('formatGoDuration', () => {
  it.each([
    [0, '0s'],
    [250, '250ms'],
    [1500, '1.5s'],
    [30_000, '30s'],
    [90_000, '1m30s'],
    [2_700_000, '45m0s'],
    [3_600_000, '1h0m0s'],
    [5_430_250, '1h30m30.25s'],
  ])('%d ms -> %s', (ms, text) => {
    expect(formatGoDuration(ms)).toBe(text);
  });
});
