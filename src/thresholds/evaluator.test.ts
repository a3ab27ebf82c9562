import { describe, expect, it } from 'vitest';
import { exitCodeFor } from '../errors/exit-codes.js';
import { Aggregate } from '../metrics/aggregate.js';
import { BUILTIN_METRICS } from '../metrics/builtin.js';
import { MetricRegistry } from '../metrics/registry.js';
import type { RunMeta } from '../results/run-meta.js';
import { ThresholdEvaluator, type ThresholdEvaluatorOptions } from './evaluator.js';
import { evaluateChecks } from './fail-on-check.js';
import { parseThresholds } from './parse-thresholds.js';

const META: RunMeta = {
  runId: 't',
  startedAtMs: 0,
  intervalMs: 1000,
  target: 'test',
  tags: {},
  scenarios: [],
};

/** Drives an evaluator the way the controller does: one real snapshot per 1 s interval. */
class Run {
  readonly registry = new MetricRegistry(() => this.nowMs);
  readonly totals = new Aggregate();
  readonly evaluator: ThresholdEvaluator;
  readonly aborts: string[] = [];
  nowMs = 0;
  interval = 0;

  constructor(thresholds: unknown, options: Partial<ThresholdEvaluatorOptions> = {}) {
    const parsed = parseThresholds(thresholds, {
      metrics: [{ name: 'errors', type: 'rate', contains: 'default' }],
    });
    expect(parsed.problems).toEqual([]);
    this.evaluator = new ThresholdEvaluator({
      thresholds: parsed.thresholds,
      onAbort: (reason) => this.aborts.push(reason),
      declaredMetrics: ['errors'],
      ...options,
    });
    this.evaluator.start(META);
  }

  /** Records one second: `latencies` into http_req_duration{name}, and the request counters. */
  second(latencies: number[], name = 'login', failed = 0): void {
    const trend = this.registry.trend(BUILTIN_METRICS.http_req_duration, { name });
    for (const v of latencies) trend.add(v);
    this.registry.counter(BUILTIN_METRICS.http_reqs, { name }).add(latencies.length);
    const fails = this.registry.rate(BUILTIN_METRICS.http_req_failed, { name });
    for (let i = 0; i < latencies.length; i++) fails.add(i < failed ? 1 : 0);
    this.registry.gauge(BUILTIN_METRICS.vus).add(10);
    this.tick();
  }

  tick(): void {
    const startMs = this.interval * 1000;
    const endMs = startMs + 1000;
    this.nowMs = endMs;
    const delta = new Aggregate();
    delta.addSnapshot(this.registry.snapshot(0, this.interval, startMs, endMs));
    this.totals.addAggregate(delta);
    this.evaluator.onInterval({
      interval: this.interval,
      startMs,
      endMs,
      delta,
      totals: this.totals,
    });
    this.interval++;
  }

  end(): void {
    this.evaluator.stop({
      totals: this.totals,
      durationMs: this.interval * 1000,
      reason: 'completed',
    });
  }
}

describe('ThresholdEvaluator', () => {
  it('passes and fails k6 expressions on built-in metrics, with observed values', () => {
    const run = new Run({
      http_req_duration: ['p(95)<500', 'avg<100', 'max<=400', 'med>10'],
      http_reqs: ['count==40', 'rate>=10'],
      http_req_failed: ['rate<0.01'],
      vus: ['value===10'],
    });
    for (let s = 0; s < 4; s++)
      run.second([20, 40, 60, 80, 100, 120, 140, 160, 180, 400], 'login', s === 0 ? 1 : 0);
    run.end();
    const byExpr = Object.fromEntries(run.evaluator.outcomes().map((o) => [o.expression, o]));
    expect(byExpr['p(95)<500']).toMatchObject({
      ok: true,
      status: 'passed',
      metric: 'http_req_duration',
    });
    expect(byExpr['p(95)<500']?.observed).toBeCloseTo(400, 0);
    expect(byExpr['p(95)<500']?.observedText).toMatch(/^p\(95\)=\d+(\.\d+)?ms$/);
    expect(byExpr['avg<100']).toMatchObject({ ok: false, status: 'failed', observed: 130 });
    expect(byExpr['max<=400']).toMatchObject({ ok: true, observed: 400 });
    expect(byExpr['med>10']?.ok).toBe(true);
    expect(byExpr['count==40']).toMatchObject({ ok: true, observed: 40, observedText: 'count=40' });
    expect(byExpr['rate>=10']).toMatchObject({ ok: true, observed: 10, observedText: 'rate=10/s' });
    expect(byExpr['rate<0.01']).toMatchObject({
      ok: false,
      observed: 1 / 40,
      observedText: 'rate=2.50%',
    });
    expect(byExpr['value===10']).toMatchObject({ ok: true, observed: 10 });
    expect(run.evaluator.failed).toBe(true);
    expect(run.aborts).toEqual([]);
  });

  it('evaluates sub-metrics by tag filter', () => {
    const run = new Run({
      'http_req_duration{name:login}': ['max<100'],
      'http_req_duration{name:items}': ['max<100'],
    });
    run.second([50, 60], 'login');
    run.second([500], 'items');
    run.end();
    expect(run.evaluator.outcomes().map((o) => [o.metric, o.ok, o.observed])).toEqual([
      ['http_req_duration{name:login}', true, 60],
      ['http_req_duration{name:items}', false, 500],
    ]);
  });

  it('aborts once, every 2 s, after delayAbortEval, and keeps the aborting threshold failed', () => {
    const run = new Run({
      http_req_duration: [{ threshold: 'p(95)<100', abortOnFail: true, delayAbortEval: '3s' }],
    });
    run.second([500]);
    run.second([500]); // evaluated at 2 s: failing, but delayAbortEval is 3 s
    expect(run.aborts).toEqual([]);
    run.second([500]); // 3 s: not an evaluation tick (every 2 s)
    expect(run.aborts).toEqual([]);
    run.second([500]); // 4 s: evaluated, past the delay -> abort
    expect(run.aborts).toHaveLength(1);
    expect(run.aborts[0]).toMatch(
      /threshold "p\(95\)<100" on http_req_duration failed \(p\(95\)=500ms\) and has abortOnFail/,
    );
    for (let s = 0; s < 6; s++) run.second([1]);
    expect(run.aborts).toHaveLength(1);
    run.end();
    expect(run.evaluator.abortedBy?.expression).toBe('p(95)<100');
    expect(run.evaluator.outcomes()[0]?.ok).toBe(false);
  });

  it('a sliding window fails when a bad period happens, though the whole run would pass', () => {
    const run = new Run({
      http_req_duration: [{ threshold: 'p(95)<200', window: '3s' }, 'p(95)<200'],
    });
    for (let s = 0; s < 20; s++) run.second(Array.from({ length: 20 }, () => 50));
    for (let s = 0; s < 2; s++) run.second(Array.from({ length: 20 }, () => 900)); // 2 bad seconds: 4.8% of all
    for (let s = 0; s < 20; s++) run.second(Array.from({ length: 20 }, () => 50));
    run.end();
    const [windowed, whole] = run.evaluator.outcomes();
    expect(whole).toMatchObject({ ok: true, status: 'passed' });
    expect(windowed).toMatchObject({ ok: false, status: 'failed', windowMs: 3000 });
    expect(windowed?.observed).toBeCloseTo(900, -1);
    expect(windowed?.observedText).toMatch(/^p\(95\)=\d+(\.\d+)?ms \(worst 3s window\)$/);
  });

  it('a windowed counter rate uses the window length', () => {
    const run = new Run({ http_reqs: [{ threshold: 'rate>=5', window: '2s' }] });
    for (let s = 0; s < 4; s++) run.second(Array.from({ length: 10 }, () => 1));
    run.second([1]); // one slow second: 11 requests over the last 2 s = 5.5/s
    run.second([]);
    run.end();
    expect(run.evaluator.outcomes()[0]).toMatchObject({ ok: false, observed: 0.5 });
  });

  it('a run shorter than the window is judged over the whole run, and says so', () => {
    const run = new Run({ http_req_duration: [{ threshold: 'max<100', window: '1m' }] });
    run.second([50]);
    run.end();
    const [outcome] = run.evaluator.outcomes();
    expect(outcome).toMatchObject({ ok: true, observed: 50 });
    expect(outcome?.reason).toMatch(/no full 1m0s window with samples: judged over the whole run/);
  });

  it('reports thresholds on missing metrics clearly and judges empty ones as k6 (k6#1526)', () => {
    const run = new Run({
      http_req_duraton: ['p(95)<500'], // typo: unknown metric -> failed
      // No sample with this tag value: k6 reads p(95)=0 from the empty sub-metric -> passes.
      'http_req_duration{name:logn}': ['p(95)<500'],
      'http_req_duration{name:other}': ['avg>0'], // k6: avg=0 -> fails
      errors: ['rate<0.01'], // a rate without samples has no rate: passes, as in k6
      'group_duration{group:::a}': ['avg<5'], // trend without samples: avg=0 -> passes
      'iterations{scenario:none}': ['count>0'], // counter without samples: count=0 -> fails
    });
    run.second([10, 20], 'login');
    run.end();
    const outcomes = run.evaluator.outcomes();
    expect(outcomes.map((o) => [o.status, o.ok, o.observed])).toEqual([
      ['unknown-metric', false, null],
      ['no-match', true, 0],
      ['no-match', false, 0],
      ['no-data', true, null],
      ['no-data', true, 0],
      ['no-data', false, 0],
    ]);
    expect(outcomes[1]?.observedText).toBe('p(95)=0s');
    const warnings = run.evaluator.warnings().join('\n');
    expect(warnings).toMatch(
      /metric "http_req_duraton" does not exist in this run; did you mean "http_req_duration"\? \(metrics seen: .*http_req_duration/,
    );
    expect(warnings).toMatch(
      /has samples but none with name=logn; name values seen: login \(did you mean "login"\?\); judged as k6 judges an empty metric: p\(95\)=0, passed/,
    );
    expect(warnings).toMatch(
      /errors has no samples in this run; a rate without samples has no rate \(passes, as in k6\)/,
    );
    expect(run.evaluator.failed).toBe(true);
  });

  it('fails thresholds without samples when the target answered none of the requests sent', () => {
    const run = new Run({
      checks: ['rate>0.99'],
      http_req_duration: ['p(95)<500'],
      errors: ['rate<0.01'],
    });
    // Requests went out and none came back (hung target): only failures, with their class.
    const cut = { name: 'login', status: '0', error_class: 'interrupted' };
    run.registry.counter(BUILTIN_METRICS.http_reqs, cut).add(3);
    const failed = run.registry.rate(BUILTIN_METRICS.http_req_failed, cut);
    for (let i = 0; i < 3; i++) failed.add(1);
    run.tick();
    run.end();
    expect(run.evaluator.outcomes().map((o) => [o.status, o.ok])).toEqual([
      ['no-answer', false],
      ['no-answer', false],
      ['no-answer', false],
    ]);
    expect(run.evaluator.warnings().join('\n')).toMatch(
      /checks has no samples because the target answered none of the 3 HTTP requests sent; counted as failed/,
    );
    expect(run.evaluator.failed).toBe(true);
  });

  it('fails a threshold whose aggregation does not fit a metric only known at run time', () => {
    const registry = new MetricRegistry(() => 0);
    registry.counter('my_counter').add(3);
    const totals = new Aggregate();
    totals.addSnapshot(registry.snapshot(0, 0, 0, 1000));
    const parsed = parseThresholds({ my_counter: ['avg<5', 'count<5'] });
    const evaluator = new ThresholdEvaluator({ thresholds: parsed.thresholds });
    evaluator.stop({ totals, durationMs: 1000, reason: 'completed' });
    expect(evaluator.outcomes().map((o) => [o.status, o.ok])).toEqual([
      ['invalid', false],
      ['passed', true],
    ]);
    expect(evaluator.warnings()[0]).toMatch(
      /"avg" is not valid for my_counter, a counter metric \(valid: count, rate\)/,
    );
  });
});

describe('--fail-on-check and exit codes', () => {
  it('turns a failed check into exit 110 and a failed threshold into 99', () => {
    const registry = new MetricRegistry(() => 0);
    const checks = registry.rate(BUILTIN_METRICS.checks, { check: 'status is 200' });
    checks.addMany(9, 10);
    const totals = new Aggregate();
    totals.addSnapshot(registry.snapshot(0, 0, 0, 1000));
    const verdict = evaluateChecks(totals);
    expect(verdict).toMatchObject({ ok: false, passes: 9, fails: 1, rate: 0.9 });
    expect(verdict.message).toBe(
      '1 of 10 checks failed (checks rate 90.00%); --fail-on-check marks the run failed',
    );
    const failOnCheck = (on: boolean) => on && !verdict.ok;
    expect(exitCodeFor({ failedChecks: failOnCheck(true) })).toBe(110);
    expect(exitCodeFor({ failedChecks: failOnCheck(false) })).toBe(0);
    expect(exitCodeFor({ thresholdsFailed: true, failedChecks: failOnCheck(true) })).toBe(99);
    expect(evaluateChecks(new Aggregate())).toMatchObject({
      ok: true,
      rate: 1,
      message: 'no checks ran',
    });
  });
});
