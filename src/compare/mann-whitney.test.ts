// Tests of the Mann-Whitney U test against reference p-values computed with SciPy 1.17.1
// (scipy.stats.mannwhitneyu, alternative='two-sided', continuity correction on).
import { describe, expect, it } from 'vitest';
import { mannWhitneyU, normalUpperTail } from './mann-whitney.js';

const GAUSS_A = [
  97.441, 105.114, 97.739, 96.849, 90.7, 97.867, 111.119, 104.241, 110.369, 102.489, 103.948,
  101.853, 83.339, 108.553, 105.064, 104.988, 83.086, 82.561, 91.104, 95.318, 103.054, 99.541,
  105.21, 93.578, 103.087, 103.942, 93.389, 117.175, 105.566, 111.97, 93.797, 92.605, 96.56, 98.936,
  106.321, 102.484, 95.526, 90.431, 94.794, 112.209,
];
const GAUSS_B = [
  97.921, 108.448, 110.265, 91.103, 106.485, 119.062, 85.856, 102.784, 104.939, 97.827, 110.974,
  105.377, 91.353, 114.278, 112.693, 115.458, 120.406, 109.622, 107.193, 93.008, 112.154, 99.882,
  101.473, 93.352, 96.324, 100.689, 118.888, 85.682, 91.423, 108.394, 120.433, 111.785, 87.001,
  80.818, 109.574, 98.637, 94.802, 115.774, 117.018, 107.573, 108.458, 110.344, 121.94, 112.19,
  111.186,
];

describe('mannWhitneyU', () => {
  it('matches SciPy exact p-values for small samples without ties', () => {
    expect(mannWhitneyU([1, 2, 3], [4, 5, 6]).pValue).toBeCloseTo(0.1, 10);
    const r = mannWhitneyU([19, 22, 16, 29, 24], [20, 11, 17, 12]);
    expect(r.uA).toBe(17);
    expect(r.method).toBe('exact');
    expect(r.pValue).toBeCloseTo(0.1111111111111111, 10);
    const nine = mannWhitneyU(
      [1.1, 2.2, 3.3, 4.4, 5.5, 6.6, 7.7, 8.8, 9.9],
      [2.5, 3.5, 4.5, 5.5001, 6.5, 7.5, 8.5, 9.5, 10.5],
    );
    expect(nine.pValue).toBeCloseTo(0.4894282188399835, 10);
    const twenty = Array.from({ length: 20 }, (_, i) => i);
    expect(
      mannWhitneyU(
        twenty,
        twenty.map((v) => v + 7.5),
      ).pValue,
    ).toBeCloseTo(0.0006675619675571311, 10);
  });

  it('matches SciPy normal approximation with ties and for large samples', () => {
    const ties = mannWhitneyU([1, 2, 2, 3, 3, 3, 4], [3, 4, 4, 5, 5, 6]);
    expect(ties.method).toBe('normal');
    expect(ties.uA).toBe(3.5);
    expect(ties.pValue).toBeCloseTo(0.012999854364387305, 6);
    const big = mannWhitneyU(GAUSS_A, GAUSS_B);
    expect(big.uA).toBe(615);
    expect(big.pValue).toBeCloseTo(0.012249196491957976, 6);
  });

  it('reports the smallest possible p for the sizes, and p = 1 for identical samples', () => {
    expect(mannWhitneyU([1, 2], [3, 4]).minPossibleP).toBeCloseTo(1 / 3, 12);
    expect(mannWhitneyU([5, 5, 5], [5, 5, 5]).pValue).toBe(1);
    expect(() => mannWhitneyU([], [1])).toThrow(RangeError);
  });

  it('computes the normal tail', () => {
    expect(normalUpperTail(0)).toBeCloseTo(0.5, 7);
    expect(normalUpperTail(1.959963985)).toBeCloseTo(0.025, 6);
    expect(normalUpperTail(-1.959963985)).toBeCloseTo(0.975, 6);
  });
});
