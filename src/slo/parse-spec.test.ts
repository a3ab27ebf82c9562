import { describe, expect, it } from 'vitest';
import { isRedlineError } from '../errors/redline-error.js';
import { createSloSpecFromCriteria } from './from-criteria.js';
import { parseSloSpec } from './parse-spec.js';
import { burnFactor, DEFAULT_BURN_WINDOWS, promDuration } from './spec.js';

function problemsOf(text: string): string[] {
  try {
    parseSloSpec(text, 'slo.yaml');
  } catch (error) {
    if (isRedlineError(error)) return [error.message, ...error.problems];
    throw error;
  }
  throw new Error('expected the spec to be rejected');
}

describe('parseSloSpec', () => {
  it('reads explicit SLOs with defaults for Redline series', () => {
    const spec = parseSloSpec(`
service: checkout
period: 28d
labels: { team: shop }
selector: { testid: soak-1 }
alerting: { runbook: https://runbooks/checkout, labels: { route: oncall } }
slos:
  - name: availability
    objective: 99.9
    sli: { availability: {} }
  - name: latency
    objective: "99%"
    sli: { latency: { threshold: 300ms } }
    alerting: { ticket: false, pageFor: 2m }
`);
    expect(spec.service).toBe('checkout');
    expect(spec.periodMs).toBe(28 * 86_400_000);
    const [a, l] = spec.slos;
    expect(a!.sli).toEqual({
      kind: 'availability',
      metric: 'redline_http_reqs_total',
      errors: { expected_response: 'false' },
      selector: { testid: 'soak-1' },
    });
    expect(l!.sli).toEqual({
      kind: 'latency',
      metric: 'redline_http_req_duration_seconds',
      thresholdS: 0.3,
      selector: { testid: 'soak-1' },
    });
    expect(l!.objective).toBe(99);
    expect(l!.alerting).toMatchObject({
      page: true,
      ticket: false,
      pageForMs: 120_000,
      pageName: 'CheckoutLatencyErrorBudgetBurnPage',
    });
    expect(a!.alerting.annotations['runbook_url']).toBe('https://runbooks/checkout');
    expect(a!.alerting.labels).toEqual({ route: 'oncall' });
  });

  it('turns success criteria into SLOs, in the plan spelling and as k6 thresholds', () => {
    const plan = parseSloSpec(
      'service: api\ncriteria:\n  p95: 400ms\n  p99: "< 500ms"\n  errorRate: "< 0.1%"\n',
    );
    expect(plan.slos.map((s) => [s.name, s.objective])).toEqual([
      ['latency-p95', 95],
      ['latency-p99', 99],
      ['availability', 99.9],
    ]);
    expect(plan.slos[1]!.sli).toMatchObject({ kind: 'latency', thresholdS: 0.5 });
    const k6 = parseSloSpec(
      "service: api\ncriteria:\n  http_req_duration: ['p(99)<800']\n  http_req_failed: ['rate<0.005']\n",
    );
    expect(k6.slos.map((s) => [s.name, s.objective])).toEqual([
      ['latency-p99', 99],
      ['availability', 99.5],
    ]);
    const api = createSloSpecFromCriteria('api', {
      latency: [{ percentile: 99, thresholdMs: 500 }],
      errorRate: 0.001,
    });
    expect(api.slos.map((s) => s.name)).toEqual(['latency-p99', 'availability']);
  });

  it('lists every problem with its line', () => {
    const problems = problemsOf(`service: checkout
bogus: 1
slos:
  - name: a
    objective: 120
    sli: { availability: { errors: { status: "=~5[" } } }
  - name: b
    objective: 99
    sli: { latency: { threshold: 450ms } }
  - name: c
    objective: 99
    sli: { events: { errorQuery: "sum(rate(x[5m]))", totalQuery: "sum(rate(y[{{window}}]))" } }
criteria:
  throughput: 1000
`);
    expect(problems[0]).toBe('slo.yaml has 6 problem(s)');
    const text = problems.join('\n');
    expect(text).toContain('slo.yaml:2:1: bogus: unknown key "bogus"');
    expect(text).toContain('slo.yaml:5:16: slos[0].objective: must be a percentage');
    expect(text).toContain(
      'slo.yaml:6:46: slos[0].sli.availability.errors.status: invalid regular expression',
    );
    expect(text).toMatch(
      /slo\.yaml:9:34: slos\[1\]\.sli\.latency\.threshold: 0\.45s is not a bucket bound .*nearest: 0\.4s, 0\.5s/,
    );
    expect(text).toContain(
      'slo.yaml:12:34: slos[2].sli.events.errorQuery: must be a PromQL query using {{window}}',
    );
    expect(text).toContain('slo.yaml:14:15: criteria.throughput: is not an SLO criterion');
  });

  it('rejects bad YAML and windows longer than the period', () => {
    expect(problemsOf('service: [unclosed')[0]).toMatch(/is not valid YAML/);
    const text = problemsOf(
      'service: s\nperiod: 1d\nslos: [{ name: a, objective: 99, sli: { availability: {} } }]\n',
    ).join('\n');
    expect(text).toContain('slo.yaml:2:9: period: is shorter than the default 3d ticket window');
    const custom = problemsOf(
      'service: s\nperiod: 7d\nwindows: [{ severity: page, long: 8d, short: 1h, budget: 5 }]\nslos: [{ name: a, objective: 99, sli: { availability: {} } }]\n',
    );
    expect(custom.join('\n')).toMatch(
      /slo\.yaml:3:\d+: windows\[0\]\.long: is longer than the SLO period/,
    );
  });
});

describe('burn factors', () => {
  it('follow from the period: 14.4/6/1 over 30 days, 13.44/5.6/0.933 over 28 days', () => {
    expect(DEFAULT_BURN_WINDOWS.map((w) => burnFactor(w, 30 * 86_400_000))).toEqual([14.4, 6, 1]);
    expect(DEFAULT_BURN_WINDOWS.map((w) => burnFactor(w, 28 * 86_400_000))).toEqual([
      13.44, 5.6, 0.933333,
    ]);
    expect([300_000, 3_600_000, 30 * 86_400_000, 90_000].map(promDuration)).toEqual([
      '5m',
      '1h',
      '30d',
      '90s',
    ]);
  });
});
