import { describe, expect, it } from 'vitest';
import { isRedlineError } from '../errors/redline-error.js';
import { formatInputProblem } from '../util/input-reader.js';
import { parseThresholdExpression } from './parse-expression.js';
import { parseMetricKey } from './parse-metric-key.js';
import { assertValidThresholds, parseThresholds } from './parse-thresholds.js';

describe('parseThresholdExpression: valid forms', () => {
  const valid: Array<[string, unknown]> = [
    ['p(95)<500', { aggregation: { kind: 'p', percentile: 95 }, operator: '<', value: 500 }],
    [
      'p(99.9) <= 1200',
      { aggregation: { kind: 'p', percentile: 99.9 }, operator: '<=', value: 1200 },
    ],
    ['p( 0 )>=0', { aggregation: { kind: 'p', percentile: 0 }, operator: '>=', value: 0 }],
    ['p(100)>1', { aggregation: { kind: 'p', percentile: 100 }, operator: '>', value: 1 }],
    ['avg<200', { aggregation: { kind: 'avg' }, operator: '<', value: 200 }],
    ['min > 0.5', { aggregation: { kind: 'min' }, operator: '>', value: 0.5 }],
    ['max<=3e3', { aggregation: { kind: 'max' }, operator: '<=', value: 3000 }],
    ['med===10', { aggregation: { kind: 'med' }, operator: '===', value: 10 }],
    ['count==0', { aggregation: { kind: 'count' }, operator: '==', value: 0 }],
    ['rate!=1', { aggregation: { kind: 'rate' }, operator: '!=', value: 1 }],
    ['rate<0.01', { aggregation: { kind: 'rate' }, operator: '<', value: 0.01 }],
    ['value>-5', { aggregation: { kind: 'value' }, operator: '>', value: -5 }],
    ['  count  >=  .5  ', { aggregation: { kind: 'count' }, operator: '>=', value: 0.5 }],
    [
      'p(95)<1.5s',
      { aggregation: { kind: 'p', percentile: 95 }, operator: '<', value: 1500, unit: 's' },
    ],
    ['avg<250ms', { aggregation: { kind: 'avg' }, operator: '<', value: 250, unit: 'ms' }],
    ['avg<800us', { aggregation: { kind: 'avg' }, operator: '<', value: 0.8, unit: 'us' }],
  ];
  it.each(valid)('%s', (text, expected) => {
    const parsed = parseThresholdExpression(text);
    expect(parsed).toEqual({ ok: true, expression: expected });
  });

  it('tries operators in k6 order: "<=" wins over "<", "===" over "=="', () => {
    const le = parseThresholdExpression('avg<=1');
    const eq3 = parseThresholdExpression('avg===1');
    expect(le.ok && le.expression.operator).toBe('<=');
    expect(eq3.ok && eq3.expression.operator).toBe('===');
  });
});

describe('parseThresholdExpression: invalid forms', () => {
  const invalid: Array<[string, RegExp]> = [
    ['p(95)', /no comparison operator/],
    ['p95<500', /unknown aggregation "p95"; did you mean "p\(95\)"/],
    ['avgg<5', /unknown aggregation "avgg"; did you mean "avg"/],
    ['mean<5', /unknown aggregation "mean"/],
    ['<5', /aggregation before the operator is missing/],
    ['p(101)<5', /outside 0\.\.100/],
    ['p(-1)<5', /outside 0\.\.100/],
    ['p(abc)<5', /needs a number between 0 and 100/],
    ['avg<', /value after the operator is missing/],
    ['avg<abc', /"abc" is not a number/],
    ['avg<5 parsecs', /not a number \(a time unit may follow/],
    ['avg=5', /no comparison operator/],
  ];
  it.each(invalid)('%s', (text, message) => {
    const parsed = parseThresholdExpression(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problems.join('\n')).toMatch(message);
  });

  it('reports a bad aggregation and a bad number together', () => {
    const parsed = parseThresholdExpression('avgx<zz');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problems).toHaveLength(2);
  });
});

describe('parseMetricKey', () => {
  it.each([
    ['http_req_duration', { name: 'http_req_duration' }],
    ['http_req_duration{name:login}', { name: 'http_req_duration', tags: { name: 'login' } }],
    [
      'http_req_duration{ name : login , status:200 }',
      { name: 'http_req_duration', tags: { name: 'login', status: '200' } },
    ],
    [
      'http_req_duration{expected_response:true}',
      { name: 'http_req_duration', tags: { expected_response: 'true' } },
    ],
    ['http_reqs{url:http://x:8080/a}', { name: 'http_reqs', tags: { url: 'http://x:8080/a' } }],
    ['checks{check:"status is 200"}', { name: 'checks', tags: { check: 'status is 200' } }],
  ])('%s', (text, key) => {
    expect(parseMetricKey(text)).toEqual({ ok: true, key });
  });

  it.each([
    ['1metric', /not a valid metric name/],
    ['http-req', /not a valid metric name/],
    ['http_req_duration{name:login', /must end with "}"/],
    ['http_req_duration{}', /empty tag filter/],
    ['http_req_duration{name}', /must be written tag:value/],
    ['http_req_duration{:x}', /has no tag name/],
    ['http_req_duration{a:1,a:2}', /appears twice/],
    ['{a:1}', /has no metric name/],
  ])('rejects %s', (text, message) => {
    const parsed = parseMetricKey(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problems.join('\n')).toMatch(message);
  });
});

describe('parseThresholds', () => {
  // The founding brief's k6 script [ref: load-test-plan].
  it("parses the thresholds of the founding brief's k6 script", () => {
    const parsed = parseThresholds(
      {
        http_req_duration: ['p(50)<200', 'p(95)<500', 'p(99)<800'],
        errors: ['rate<0.01'],
        http_req_failed: ['rate<0.01'],
      },
      { metrics: [{ name: 'errors', type: 'rate', contains: 'default' }] },
    );
    expect(parsed.problems).toEqual([]);
    expect(parsed.thresholds.map((t) => `${t.metricKey} ${t.source}`)).toEqual([
      'http_req_duration p(50)<200',
      'http_req_duration p(95)<500',
      'http_req_duration p(99)<800',
      'errors rate<0.01',
      'http_req_failed rate<0.01',
    ]);
    expect(parsed.thresholds[3]?.knownType).toBe('rate');
  });

  it('accepts every aggregation allowed for each built-in metric type', () => {
    const parsed = parseThresholds({
      http_reqs: ['count>0', 'rate>1'],
      vus: ['value<=100'],
      checks: ['rate>0.99'],
      http_req_duration: ['avg<1', 'min<1', 'max<1', 'med<1', 'p(90)<1', 'p(99.99)<1', 'p(95)<1s'],
    });
    expect(parsed.problems).toEqual([]);
    expect(parsed.thresholds).toHaveLength(11);
  });

  it('parses the object form, its abort options and the sliding window', () => {
    const parsed = parseThresholds({
      'http_req_duration{name:login}': [
        { threshold: 'p(95)<500', abortOnFail: true, delayAbortEval: '10s' },
        { threshold: 'p(99)<900', window: '30s' },
      ],
    });
    expect(parsed.problems).toEqual([]);
    const [a, b] = parsed.thresholds;
    expect(a).toMatchObject({
      abortOnFail: true,
      delayAbortEvalMs: 10_000,
      metric: { name: 'http_req_duration', tags: { name: 'login' } },
    });
    expect(b).toMatchObject({ abortOnFail: false, windowMs: 30_000 });
  });

  it('lists every problem at once, with paths and suggestions', () => {
    const parsed = parseThresholds({
      http_req_duration: ['rate<1', 'p(95)<abc', { threshold: 'avg<1', abortOnFial: true }],
      http_reqs: ['avg<5', 'count<5ms'],
      vus: ['p(95)<3'],
      'bad-name': ['count<1'],
      checks: 'rate>0.9',
      http_req_failed: [
        { threshold: 5 },
        { threshold: 'rate<1', delayAbortEval: 'soon', window: '0s' },
      ],
      data_sent: 42,
    });
    const lines = parsed.problems.map((p) => formatInputProblem(p));
    expect(lines).toEqual([
      'thresholds.http_req_duration[0]: "rate" is not valid for http_req_duration, a trend metric (valid: avg, min, max, med, p(N))',
      'thresholds.http_req_duration[1]: "abc" is not a number',
      'thresholds.http_req_duration[2].abortOnFial: unknown key "abortOnFial" in a threshold (fields: threshold, abortOnFail, delayAbortEval, window); did you mean "abortOnFail"?',
      'thresholds.http_reqs[0]: "avg" is not valid for http_reqs, a counter metric (valid: count, rate)',
      'thresholds.http_reqs[1]: "count<5ms" has a time unit but http_reqs does not hold durations; write a plain number',
      'thresholds.vus[0]: "p(95)" is not valid for vus, a gauge metric (valid: value)',
      'thresholds.bad-name: "bad-name" is not a valid metric name (letters, digits and _, not starting with a digit)',
      'thresholds.http_req_failed[0]: must be an expression string such as "p(95)<500", or { threshold: "p(95)<500", abortOnFail: true }',
      'thresholds.http_req_failed[1].delayAbortEval: must be a duration such as "30s", "1m30s" or "500ms" (a bare number is milliseconds), got "soon"',
      'thresholds.http_req_failed[1].window: must be longer than 0, got "0s"',
      'thresholds.data_sent: must be an expression or a list of expressions, e.g. ["p(95)<500"]',
    ]);
    // The single-string form is accepted (lenient), and the valid entries were kept.
    expect(parsed.thresholds.map((t) => t.source)).toEqual(['rate>0.9']);
  });

  it('warns about undeclared metrics (with the nearest name) unless strict, where it is a problem', () => {
    const lenient = parseThresholds({ http_req_duraton: ['p(95)<1'] });
    expect(lenient.problems).toEqual([]);
    expect(lenient.warnings.map((w) => formatInputProblem(w))).toEqual([
      'thresholds.http_req_duraton: metric "http_req_duraton" is not a built-in metric and was not declared; did you mean "http_req_duration"? (it is checked again when the run ends)',
    ]);
    const strict = parseThresholds({ http_req_duraton: ['p(95)<1'] }, { strictMetricNames: true });
    expect(strict.problems[0]).toMatchObject({
      path: ['thresholds', 'http_req_duraton'],
      suggestion: 'http_req_duration',
      atKey: true,
    });
    expect(formatInputProblem(strict.problems[0]!)).toMatch(
      /not a built-in metric and was not declared; did you mean "http_req_duration"/,
    );
  });

  it('assertValidThresholds throws one InvalidConfig error listing all problems', () => {
    try {
      assertValidThresholds({ http_req_duration: ['rate<1', 'x'] });
      expect.unreachable();
    } catch (error) {
      expect(isRedlineError(error)).toBe(true);
      if (!isRedlineError(error)) return;
      expect(error.exitCode).toBe(104);
      expect(error.code).toBe('E_THRESHOLD_INVALID');
      expect(error.problems).toHaveLength(2);
      expect(error.problems[0]).toMatch(/^thresholds\.http_req_duration\[0\]: "rate" is not valid/);
    }
  });
});

describe('parseThresholds: secrets in sub-metric filters', () => {
  it('redacts the filter like series tags are redacted, so it still matches, and shows the key redacted', () => {
    const written = 'http_req_duration{url:http://127.0.0.1:1/a?access_token=SECRET9&page=2}';
    const parsed = parseThresholds({ [written]: ['p(95)<500'] });
    expect(parsed.problems).toEqual([]);
    const [definition] = parsed.thresholds;
    expect(definition!.metric.tags).toEqual({
      url: 'http://127.0.0.1:1/a?access_token=[REDACTED]&page=2',
    });
    expect(definition!.metricKey).toBe(
      'http_req_duration{url:http://127.0.0.1:1/a?access_token=[REDACTED]&page=2}',
    );
    expect(JSON.stringify(parsed)).not.toContain('SECRET9');
  });

  it('keeps a clean key exactly as written', () => {
    const written = 'http_req_duration{ name : "login" , url:http://h/x?page=2}';
    expect(parseThresholds({ [written]: ['p(95)<500'] }).thresholds[0]!.metricKey).toBe(written);
  });

  it('never quotes the secret in problems', () => {
    const parsed = parseThresholds({
      'http_req_duration{url:http://h/?token=SECRET8': ['p(95)<1'],
    });
    expect(parsed.problems.length).toBeGreaterThan(0);
    expect(JSON.stringify(parsed.problems)).not.toContain('SECRET8');
  });
});
