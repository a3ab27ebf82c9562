/** buildPlan: option names, unsupported options, precedence (CLI > env > script) and error reporting. */

import { describe, expect, it } from 'vitest';
import { ExitCode } from '../errors/exit-codes.js';
import { isRedlineError } from '../errors/redline-error.js';
import { formatInputPath, formatInputProblem } from '../util/input-reader.js';
import { buildPlan, checkPlan } from './build-plan.js';

const problemsOf = (input: Parameters<typeof checkPlan>[0]) =>
  checkPlan(input).problems.map((p) => formatInputProblem(p));

describe('option names', () => {
  it.each([
    ['durration', 'duration'],
    ['thresold', 'thresholds'],
    ['insecureSkipTlsVerify', 'insecureSkipTLSVerify'],
    ['summaryTrendStat', 'summaryTrendStats'],
    ['senarios', 'scenarios'],
  ])('unknown option %s suggests %s', (name, nearest) => {
    const result = checkPlan({ scriptOptions: { [name]: 1 } });
    expect(result.problems).toEqual([
      { path: ['options', name], message: `unknown option "${name}"`, suggestion: nearest },
    ]);
  });

  it('ignores an unknown name close to no option with a warning, as k6 does', () => {
    const result = checkPlan({ scriptOptions: { zzzzzzzz: true, myAppConfig: { a: 1 } } });
    expect(result.problems).toEqual([]);
    expect(result.warnings).toEqual([
      'options.zzzzzzzz: ignored: unknown option "zzzzzzzz" (k6 ignores unknown options with a warning too)',
      'options.myAppConfig: ignored: unknown option "myAppConfig" (k6 ignores unknown options with a warning too)',
    ]);
  });

  it('ignores k6 command-line settings written in options (logOutput, logFormat, ...) with a warning', () => {
    const result = checkPlan({
      scriptOptions: { logOutput: 'stdout', logFormat: 'json', noThresholds: true, vus: 1 },
    });
    expect(result.problems).toEqual([]);
    expect(result.warnings.map((w) => w.split(':')[0])).toEqual([
      'options.logOutput',
      'options.logFormat',
      'options.noThresholds',
    ]);
  });

  it('warns about ignored options and rejects those that would change the results', () => {
    const result = checkPlan({
      scriptOptions: { paused: true, ext: { loadimpact: { projectID: 1 } }, rps: 100, throw: true },
    });
    expect(result.warnings).toEqual([
      'options.paused: ignored: Redline has no control API to resume a paused test; it starts at once',
      'options.ext: ignored: extension and cloud settings (e.g. ext.loadimpact) have no meaning in a local run',
    ]);
    expect(result.problems.map((p) => formatInputPath(p.path))).toEqual([
      'options.rps',
      'options.throw',
    ]);
    expect(result.problems[0]?.message).toContain('use a constant-arrival-rate scenario');
  });

  it('accepts unsupported options set to values that change nothing', () => {
    const result = checkPlan({
      scriptOptions: {
        rps: 0,
        throw: false,
        minIterationDuration: '0s',
        tlsAuth: [],
        paused: false,
      },
    });
    expect(result.problems).toEqual([]);
    expect(result.warnings).toEqual([]);
  });
});

describe('test-wide options', () => {
  it('fills in the defaults', () => {
    const { plan } = buildPlan({});
    expect(plan.options).toMatchObject({
      tags: {},
      summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'],
      setupTimeoutMs: 60_000,
      teardownTimeoutMs: 60_000,
      discardResponseBodies: false,
      noConnectionReuse: false,
      insecureSkipTLSVerify: false,
      batch: 20,
      batchPerHost: 6,
      maxRedirects: 10,
      failOnCheck: false,
      httpTimeoutMs: 60_000,
      handleSummaryTimeoutMs: 120_000,
      env: {},
      hostRules: [],
      extra: { noCookiesReset: false },
    });
    expect(plan.options.userAgent).toMatch(/^redline\//);
  });

  it('reads every supported option', () => {
    const { plan } = buildPlan({
      scriptOptions: {
        tags: { team: 'a' },
        summaryTrendStats: ['avg', 'p(99.9)', 'count'],
        summaryTimeUnit: 'ms',
        setupTimeout: '2m',
        discardResponseBodies: true,
        noConnectionReuse: true,
        userAgent: '',
        insecureSkipTLSVerify: true,
        hosts: { 'api.example.com': '127.0.0.1:3000' },
        noCookiesReset: true,
        failOnCheck: true,
        httpTimeout: '5s',
      },
    });
    expect(plan.options).toMatchObject({
      tags: { team: 'a' },
      summaryTrendStats: ['avg', 'p(99.9)', 'count'],
      summaryTimeUnit: 'ms',
      setupTimeoutMs: 120_000,
      discardResponseBodies: true,
      noConnectionReuse: true,
      userAgent: '',
      insecureSkipTLSVerify: true,
      hosts: { 'api.example.com': '127.0.0.1:3000' },
      extra: { noCookiesReset: true },
      failOnCheck: true,
      httpTimeoutMs: 5000,
    });
    expect(plan.options.hostRules?.[0]).toMatchObject({
      host: 'api.example.com',
      to: { host: '127.0.0.1', port: 3000 },
    });
  });

  it('rejects wrong types and values, one problem each', () => {
    expect(
      problemsOf({
        scriptOptions: {
          summaryTrendStats: ['avg', 'p(101)', 'mean'],
          summaryTimeUnit: 'min',
          setupTimeout: 0,
          batch: 0,
          tags: 'x',
          noConnectionReuse: 'yes',
        },
      }),
    ).toEqual([
      'options.tags: must be a map of names to strings, got "x"',
      'options.summaryTrendStats: "p(101)": a percentile must be between 0 and 100',
      'options.summaryTrendStats: "mean" is not a trend statistic (avg, min, med, max, count, sum or p(N))',
      'options.setupTimeout: must be more than 0',
      'options.noConnectionReuse: must be true or false, got "yes"',
      'options.batch: must be more than 0',
      'options.summaryTimeUnit: must be one of ms, s, us, got "min"',
    ]);
  });
});

describe('thresholds and exec', () => {
  it('keeps thresholds normalised to specs', () => {
    const { plan } = buildPlan({
      scriptOptions: {
        thresholds: {
          http_req_failed: 'rate<0.01',
          http_req_duration: [
            'p(95)<500',
            { threshold: 'p(99)<800', abortOnFail: true, delayAbortEval: '10s', window: '30s' },
          ],
        },
      },
    });
    expect(plan.thresholds).toEqual({
      http_req_failed: [{ threshold: 'rate<0.01', abortOnFail: false, delayAbortEvalMs: 0 }],
      http_req_duration: [
        { threshold: 'p(95)<500', abortOnFail: false, delayAbortEvalMs: 0 },
        { threshold: 'p(99)<800', abortOnFail: true, delayAbortEvalMs: 10_000, windowMs: 30_000 },
      ],
    });
  });

  it('checks exec against the exported functions', () => {
    const scenarios = {
      a: { executor: 'constant-vus', duration: '5s', exec: 'browse' },
      b: { executor: 'per-vu-iterations' },
    };
    const result = checkPlan({
      scriptOptions: { scenarios },
      exportedFunctions: ['browser', 'setup'],
    });
    expect(result.problems).toEqual([
      {
        path: ['options', 'scenarios', 'a', 'exec'],
        message: 'function "browse" is not exported by the script',
        suggestion: 'browser',
      },
      {
        path: ['options', 'scenarios', 'b', 'exec'],
        message:
          'the script has no default export, which scenario "b" runs; export a default function or set exec',
      },
    ]);
  });
});

describe('all problems at once', () => {
  it('throws one RedlineError (E_CONFIG_INVALID, exit 104) listing every problem', () => {
    const input = {
      source: '/tmp/script.js',
      exportedFunctions: ['default'],
      cli: { hosts: ['no-equals-sign'] },
      scriptOptions: {
        vus: 'many',
        duration: '30s',
        summaryTimeUnit: 'h',
        thresholds: { http_req_duration: ['p95<500'] },
        hosts: { 'api.example.com': 42 },
        localIPs: '10.0.0.1-10.0.0.9',
        linger: true,
      },
    };
    let caught: unknown;
    try {
      buildPlan(input);
    } catch (error) {
      caught = error;
    }
    expect(isRedlineError(caught)).toBe(true);
    if (!isRedlineError(caught)) return;
    expect(caught.code).toBe('E_CONFIG_INVALID');
    expect(caught.exitCode).toBe(ExitCode.InvalidConfig);
    expect(caught.position).toEqual({ file: '/tmp/script.js' });
    expect(caught.message).toBe('invalid options: 6 problems');
    expect(caught.problems.map((p) => p.slice(0, p.indexOf(':')))).toEqual([
      'options.localIPs',
      'options.summaryTimeUnit',
      '--host',
      'options.hosts["api.example.com"]',
      'options.thresholds.http_req_duration[0]',
      'options.vus',
    ]);
  });
});
