/** Precedence of option sources (CLI > environment > script), as k6 merges them. */

import { describe, expect, it } from 'vitest';
import { formatInputProblem } from '../util/input-reader.js';
import { buildPlan, checkPlan } from './build-plan.js';

const problemsOf = (input: Parameters<typeof checkPlan>[0]) =>
  checkPlan(input).problems.map((p) => formatInputProblem(p));

describe('precedence: CLI > environment > script', () => {
  const script = { vus: 10, duration: '30s', tags: { a: 'script', b: 'script' } };

  it('takes each value from the highest tier that sets it', () => {
    const { plan } = buildPlan({
      scriptOptions: script,
      env: { K6_VUS: '20', K6_USER_AGENT: 'from-env', K6_TAGS: 'b:env,c:env' },
      cli: { duration: '1m', tags: ['c=cli'] },
    });
    expect(plan.scenarios[0]).toMatchObject({
      executor: 'constant-vus',
      vus: 20,
      durationMs: 60_000,
    });
    expect(plan.options.userAgent).toBe('from-env');
    expect(plan.options.tags).toEqual({ a: 'script', b: 'env', c: 'cli' });
    expect(
      buildPlan({ scriptOptions: script, env: { K6_VUS: '20' }, cli: { vus: 30 } }).plan
        .scenarios[0],
    ).toMatchObject({ vus: 30 });
  });

  it('prefers REDLINE_* over K6_* and names the variable in problems', () => {
    expect(
      buildPlan({ env: { K6_VUS: '2', REDLINE_VUS: '3', K6_DURATION: '5s' } }).plan.scenarios[0],
    ).toMatchObject({ vus: 3 });
    expect(
      problemsOf({
        env: { K6_VUS: 'ten', K6_DURATION: '5s', K6_RPS: '100', REDLINE_FAIL_ON_CHECK: 'maybe' },
      }),
    ).toEqual([
      'K6_RPS: not supported by Redline: a global request-rate cap is not implemented; use a constant-arrival-rate scenario',
      'REDLINE_FAIL_ON_CHECK: must be true or false, got "maybe"',
      'K6_VUS: must be a whole number ≥ 0, got "ten"',
    ]);
  });

  it('lets a higher tier replace the whole execution of a lower one, as k6', () => {
    const scenarios = { a: { executor: 'constant-vus', duration: '5s' } };
    const staged = buildPlan({ scriptOptions: { scenarios }, cli: { stages: ['10s:5', '5s:0'] } });
    expect(staged.plan.scenarios).toMatchObject([
      {
        name: 'default',
        executor: 'ramping-vus',
        stages: [
          { durationMs: 10_000, target: 5 },
          { durationMs: 5000, target: 0 },
        ],
      },
    ]);
    expect(staged.warnings).toEqual([
      'the command line: replaces the scenarios of options.scenarios entirely',
    ]);
    const stagesThenDuration = buildPlan({
      scriptOptions: { stages: [{ duration: '1m', target: 9 }] },
      env: { K6_DURATION: '10s' },
    });
    expect(stagesThenDuration.plan.scenarios[0]).toMatchObject({
      executor: 'constant-vus',
      vus: 1,
      durationMs: 10_000,
    });
    const bareVus = buildPlan({ scriptOptions: { scenarios }, cli: { vus: 5 } });
    expect(bareVus.plan.scenarios[0]).toMatchObject({
      executor: 'shared-iterations',
      vus: 5,
      iterations: 5,
    });
    expect(bareVus.warnings).toEqual([
      '--vus: replaces the scenarios of options.scenarios (as k6)',
    ]);
  });

  it('names CLI flags in problems and parses --stage, --env and --tag', () => {
    expect(
      problemsOf({
        cli: { stages: ['10s:x', 'soon:3'], env: ['A=1', 'novalue'], tags: ['=x'], vus: 2 },
      }),
    ).toEqual([
      '--tag: "=x" is not a name=value pair',
      '--env: "novalue" is not a name=value pair',
      '--stage[0].target: must be a whole number ≥ 0, got "x"',
      '--stage[1].duration: must be a duration such as "30s", "1m30s" or "500ms" (a bare number is milliseconds), got "soon"',
    ]);
    const { plan } = buildPlan({
      cli: {
        env: ['BASE_URL=http://127.0.0.1:3000', 'EMPTY='],
        iterations: 3,
        summaryTrendStats: 'avg, p(99)',
      },
    });
    expect(plan.options.env).toEqual({ BASE_URL: 'http://127.0.0.1:3000', EMPTY: '' });
    expect(plan.options.summaryTrendStats).toEqual(['avg', 'p(99)']);
  });

  it('applies the remaining CLI flags', () => {
    const { plan } = buildPlan({
      cli: {
        insecureSkipTLSVerify: true,
        noConnectionReuse: true,
        discardResponseBodies: true,
        userAgent: 'ua',
        failOnCheck: true,
        httpTimeout: 2500,
        hosts: ['a.test=127.0.0.1:1'],
      },
    });
    expect(plan.options).toMatchObject({
      insecureSkipTLSVerify: true,
      noConnectionReuse: true,
      discardResponseBodies: true,
      userAgent: 'ua',
      failOnCheck: true,
      httpTimeoutMs: 2500,
    });
    expect(plan.options.hostRules?.map((r) => r.spec)).toEqual(['a.test=127.0.0.1:1']);
  });
});
