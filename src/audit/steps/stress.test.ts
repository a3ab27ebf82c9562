/** Breaking-point detection on stress ramps (figures measured on the demo service on this 2-core machine). */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SUCCESS_CRITERIA } from '../../results/criteria.js';
import { detectBreakingPoint, judgeStressPoint, type StressPoint } from './stress.js';

const criteria = DEFAULT_SUCCESS_CRITERIA;

function point(users: number, rps: number, p99: number, errorRate = 0, valid = true): StressPoint {
  return { users, rps, p50: p99 / 5, p95: p99 / 1.6, p99, errorRate, valid };
}

describe('detectBreakingPoint', () => {
  it('finds the knee where p99 crosses the acceptable limit (demo, unfixed)', () => {
    // stress 1..3 of a `redline demo` run: 3, 6, 9 users.
    const points = [point(3, 16.8, 342), point(6, 26.2, 442), point(9, 25.8, 841)];
    expect(detectBreakingPoint(points, criteria)).toEqual({
      maxRps: 26.2,
      users: 9,
      errorRate: 0,
      kneeIndex: 2,
      reason: 'latency',
    });
  });

  it('breaks on errors before latency', () => {
    const points = [point(10, 100, 200), point(20, 190, 300, 0.02)];
    expect(detectBreakingPoint(points, criteria)).toMatchObject({
      reason: 'errors',
      users: 20,
      errorRate: 0.02,
      maxRps: 100,
      kneeIndex: 1,
    });
  });

  it('breaks when throughput stops rising although latency still holds', () => {
    // 20 → 40 users should give well over +25% of the proportional gain; +3% is a plateau.
    const points = [point(20, 400, 100), point(40, 412, 180)];
    expect(detectBreakingPoint(points, criteria)).toMatchObject({
      reason: 'throughput-plateau',
      users: 40,
      maxRps: 400,
    });
  });

  it('skips invalid steps and reports not-reached when nothing broke', () => {
    const points = [point(10, 100, 120), point(20, 50, 2000, 0.5, false), point(30, 290, 200)];
    expect(detectBreakingPoint(points, criteria)).toEqual({
      maxRps: 290,
      users: 30,
      errorRate: 0,
      kneeIndex: -1,
      reason: 'not-reached',
    });
  });

  it('uses the knee’s own throughput when the first step already broke', () => {
    expect(detectBreakingPoint([point(5, 12, 1500)], criteria)).toMatchObject({
      maxRps: 12,
      users: 5,
      kneeIndex: 0,
      reason: 'latency',
    });
  });

  it('has nothing to say about an empty ramp', () => {
    expect(detectBreakingPoint([], criteria)).toBeUndefined();
  });
});

describe('judgeStressPoint', () => {
  it('explains the verdict', () => {
    expect(judgeStressPoint(point(9, 25.8, 841), point(6, 26.2, 442), criteria)).toEqual({
      broke: true,
      reason: 'latency',
      detail: 'p99 841 ms ≥ 800 ms',
    });
    expect(judgeStressPoint(point(6, 26.2, 442), point(3, 16.8, 342), criteria).broke).toBe(false);
  });

  it('ignores rows the criteria do not have', () => {
    expect(judgeStressPoint(point(6, 26.2, 5000, 0.9), undefined, {}).broke).toBe(false);
  });
});
