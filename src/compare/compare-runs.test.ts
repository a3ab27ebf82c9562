// Tests of `compare` on synthetic runs with known differences (significant and not).
import { describe, expect, it } from 'vitest';
import { renderCompareMarkdown, renderCompareText } from '../report/render-compare.js';
import { createSyntheticRun } from '../results/__fixtures__/synthetic-run.js';
import { compareRuns } from './compare-runs.js';

const row = (r: ReturnType<typeof compareRuns>, key: string) => r.rows.find((x) => x.key === key)!;

describe('compareRuns of runs without HTTP requests', () => {
  it('warns that the HTTP rows compare nothing measured', () => {
    const a = createSyntheticRun({ seed: 1, seconds: 10 });
    const none = JSON.parse(JSON.stringify(a)) as typeof a;
    delete none.metrics['http_reqs'];
    none.timeline = none.timeline.map((p) => ({ ...p, requests: 0, rps: 0 }));
    const r = compareRuns([a], [none]);
    expect(r.warnings[0]).toMatch(
      /^no HTTP request in 0 of 1 run\(s\) of A and 1 of 1 of B: compare reads HTTP requests only/,
    );
    expect(compareRuns([a], [a]).warnings.join('\n')).not.toContain('no HTTP request');
  });
});

describe('compareRuns, one run per side (per-interval Mann-Whitney U)', () => {
  it('flags a 20% latency increase as a significant regression', () => {
    const a = createSyntheticRun({ seed: 1, seconds: 60, p50: 50 });
    const b = createSyntheticRun({ seed: 2, seconds: 60, p50: 60 });
    const r = compareRuns([a], [b]);
    expect(r.mode).toBe('intervals');
    const p95 = row(r, 'p95');
    expect(p95.relativeChange).toBeGreaterThan(0.15);
    expect(p95.pValue).toBeLessThan(0.001);
    expect(p95.samplesA).toBe(58);
    expect(p95.verdict).toBe('regression');
    expect(r.regression).toBe(true);
  });

  it('finds no regression between two runs of the same distribution', () => {
    const r = compareRuns(
      [createSyntheticRun({ seed: 3, seconds: 60 })],
      [createSyntheticRun({ seed: 4, seconds: 60 })],
    );
    for (const x of r.rows) expect(x.verdict).toBe('no-change');
    expect(r.regression).toBe(false);
  });

  it('calls a small significant shift below the floor no change', () => {
    // 3% slower with 1% noise over 120 s: the test is confident, the change is below 5%.
    const a = createSyntheticRun({ seed: 5, seconds: 120, p50: 100, noise: 0.01 });
    const b = createSyntheticRun({ seed: 6, seconds: 120, p50: 103, noise: 0.01 });
    const p50 = row(compareRuns([a], [b]), 'p50');
    expect(p50.pValue).toBeLessThan(0.001);
    expect(p50.beyondFloor).toBe(false);
    expect(p50.verdict).toBe('no-change');
  });

  it('reports improvements and treats lower throughput as a regression', () => {
    const a = createSyntheticRun({ seed: 7, seconds: 60, p50: 80, rps: 200 });
    const b = createSyntheticRun({ seed: 8, seconds: 60, p50: 40, rps: 150 });
    const r = compareRuns([a], [b]);
    expect(row(r, 'p99').verdict).toBe('improvement');
    expect(row(r, 'rps').verdict).toBe('regression');
  });

  it('uses an absolute floor for the error rate', () => {
    const a = createSyntheticRun({ seed: 9, seconds: 60, errorRate: 0 });
    const b = createSyntheticRun({ seed: 10, seconds: 60, errorRate: 0.02 });
    const c = createSyntheticRun({ seed: 11, seconds: 60, errorRate: 0.0002 });
    expect(row(compareRuns([a], [b]), 'errorRate').verdict).toBe('regression');
    expect(row(compareRuns([a], [c]), 'errorRate').verdict).toBe('no-change');
  });
});

describe('compareRuns, repeated runs (per-run Mann-Whitney U)', () => {
  const runs = (p50: number, seeds: number[]) =>
    seeds.map((seed) => createSyntheticRun({ seed, seconds: 20, p50, noise: 0.03 }));

  it('flags a 10% regression across 5 runs per side', () => {
    const r = compareRuns(runs(50, [21, 22, 23, 24, 25]), runs(55, [31, 32, 33, 34, 35]));
    expect(r.mode).toBe('runs');
    const p50 = row(r, 'p50');
    expect(p50.samplesA).toBe(5);
    expect(p50.test).toContain('exact');
    expect(p50.pValue).toBeCloseTo(2 / 252, 10);
    expect(p50.verdict).toBe('regression');
  });

  it('cannot be significant with 2 runs per side, and says so', () => {
    const r = compareRuns(runs(50, [41, 42]), runs(70, [51, 52]));
    const p50 = row(r, 'p50');
    expect(p50.beyondFloor).toBe(true);
    expect(p50.pValue).toBeCloseTo(1 / 3, 10);
    expect(p50.verdict).toBe('not-significant');
    expect(r.regression).toBe(false);
    expect(r.warnings.join(' ')).toMatch(/smallest possible p is 0\.333/);
  });
});

describe('compareRuns without interval data', () => {
  it('falls back to the floor alone and warns', () => {
    const a = createSyntheticRun({ seed: 61, seconds: 3, p50: 50 });
    const b = createSyntheticRun({ seed: 62, seconds: 3, p50: 70 });
    const r = compareRuns([a], [b]);
    expect(r.mode).toBe('summary');
    expect(row(r, 'p95').pValue).toBeUndefined();
    expect(row(r, 'p95').verdict).toBe('regression');
    expect(r.warnings.join(' ')).toMatch(/floor alone decides/);
  });

  it('renders text and markdown with the verdicts', () => {
    const r = compareRuns(
      [createSyntheticRun({ seed: 1, seconds: 60, p50: 50 })],
      [createSyntheticRun({ seed: 2, seconds: 60, p50: 60 })],
    );
    const text = renderCompareText(r);
    expect(text).toMatch(
      /p95 latency\s+\d+(\.\d)? ms\s+1\d\d ms\s+\+\d+\.\d%\s+<0\.0001\s+58\/58\s+❌ regression/,
    );
    expect(text).toContain('result: REGRESSION (exit 112)');
    expect(renderCompareMarkdown(r)).toContain('| Metric | A | B | Change | p | n A/B | Verdict |');
  });
});
