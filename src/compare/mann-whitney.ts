/**
 * Two-sided Mann-Whitney U test (Wilcoxon rank-sum): exact distribution for small samples without
 * ties, normal approximation with tie and continuity correction otherwise (as scipy's 'auto').
 */

/** Result of {@link mannWhitneyU}. */
export interface MannWhitneyResult {
  /** U of sample `a` (number of pairs where a > b, ties counting half). */
  uA: number;
  uB: number;
  nA: number;
  nB: number;
  /** Two-sided p-value. */
  pValue: number;
  method: 'exact' | 'normal';
  /** Smallest p-value these sample sizes can ever give (exact, no ties). */
  minPossibleP: number;
}

/** Largest n of both samples together for which the exact distribution is used. */
export const EXACT_MAX_TOTAL = 50;

/** Average ranks (1-based) of `values`, ties sharing the mean of their positions; also Σ(t³ − t). */
function rank(values: readonly number[]): { ranks: number[]; tieTerm: number } {
  const order = values.map((v, i) => [v, i] as const).sort((x, y) => x[0] - y[0]);
  const ranks = new Array<number>(values.length).fill(0);
  let tieTerm = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    const avg = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) ranks[order[k]![1]] = avg;
    const t = j - i + 1;
    tieTerm += t * t * t - t;
    i = j + 1;
  }
  return { ranks, tieTerm };
}

/**
 * Number of arrangements giving each U, for sizes m and n: counts[u], u = 0..m·n. Built with the
 * recurrence f(m, n, u) = f(m − 1, n, u − n) + f(m, n − 1, u). O(m·n·(m·n)) time; m + n ≤ 50.
 */
function exactCounts(m: number, n: number): number[] {
  // prev[j][u] holds f(i - 1, j, u); row i built from it.
  let prev: number[][] = Array.from({ length: n + 1 }, () => [1]);
  for (let i = 1; i <= m; i++) {
    const cur: number[][] = [[1]];
    for (let j = 1; j <= n; j++) {
      const size = i * j + 1;
      const row = new Array<number>(size).fill(0);
      const left = cur[j - 1]!;
      const up = prev[j]!;
      for (let u = 0; u < size; u++) row[u] = (left[u] ?? 0) + (u - j >= 0 ? (up[u - j] ?? 0) : 0);
      cur.push(row);
    }
    prev = cur;
  }
  return prev[n]!;
}

/** Standard normal upper tail Q(z) = 1 − Φ(z), via erfc (W. J. Cody's rational approximation family, |ε| < 1.2e-7). */
export function normalUpperTail(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const poly =
    -x * x -
    1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t *
                      (0.27886807 +
                        t *
                          (-1.13520398 +
                            t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const erfc = t * Math.exp(poly);
  return z >= 0 ? erfc / 2 : 1 - erfc / 2;
}

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

/**
 * Two-sided Mann-Whitney U test of `a` against `b`. Throws on an empty sample. Non-finite values
 * must be removed by the caller.
 */
export function mannWhitneyU(a: readonly number[], b: readonly number[]): MannWhitneyResult {
  const nA = a.length;
  const nB = b.length;
  if (nA === 0 || nB === 0)
    throw new RangeError('Mann-Whitney U needs at least one value per sample');
  const { ranks, tieTerm } = rank([...a, ...b]);
  const rankSumA = ranks.slice(0, nA).reduce((s, r) => s + r, 0);
  const uA = rankSumA - (nA * (nA + 1)) / 2;
  const uB = nA * nB - uA;
  const n = nA + nB;
  const minPossibleP = Math.min(1, 2 / binomial(n, nA));
  if (tieTerm === 0 && n <= EXACT_MAX_TOTAL) {
    const counts = exactCounts(nA, nB);
    const total = counts.reduce((s, c) => s + c, 0);
    const uMin = Math.min(uA, uB);
    let tail = 0;
    for (let u = 0; u <= uMin; u++) tail += counts[u] ?? 0;
    return {
      uA,
      uB,
      nA,
      nB,
      pValue: Math.min(1, (2 * tail) / total),
      method: 'exact',
      minPossibleP,
    };
  }
  const mean = (nA * nB) / 2;
  const variance = ((nA * nB) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (!(variance > 0)) return { uA, uB, nA, nB, pValue: 1, method: 'normal', minPossibleP };
  const z = Math.max(0, Math.abs(uA - mean) - 0.5) / Math.sqrt(variance);
  return {
    uA,
    uB,
    nA,
    nB,
    pValue: Math.min(1, 2 * normalUpperTail(z)),
    method: 'normal',
    minPossibleP,
  };
}
