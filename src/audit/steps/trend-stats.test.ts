/** Theil–Sen slope and Kendall's τ on small series with an outlier. */
import { describe, expect, it } from 'vitest';
import { kendallTau, theilSenSlope } from './trend-stats.js';

describe('trend statistics', () => {
  const xs = [0, 1, 2, 3, 4, 5, 6];
  const line = xs.map((x) => 10 + 2 * x);

  it('recover a straight line', () => {
    expect(theilSenSlope(xs, line)).toBe(2);
    expect(kendallTau(xs, line)).toBe(1);
    expect(kendallTau(xs, [...line].reverse())).toBe(-1);
  });

  it('ignore one outlier that least squares would follow', () => {
    const bumped = [...line];
    bumped[2] = 100;
    expect(theilSenSlope(xs, bumped)).toBe(2);
    // 4 of the 21 pairs are discordant: (2,3), (2,4), (2,5), (2,6).
    expect(kendallTau(xs, bumped)).toBeCloseTo((17 - 4) / 21);
  });

  it('return 0 without pairs', () => {
    expect(theilSenSlope([1], [5])).toBe(0);
    expect(kendallTau([], [])).toBe(0);
  });
});
