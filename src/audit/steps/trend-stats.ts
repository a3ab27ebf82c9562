/**
 * Robust trend statistics for short, noisy series (a dozen heap checkpoints): the Theil–Sen slope
 * (median of the pairwise slopes; one transient bump cannot tilt it) and Kendall's τ (how
 * consistently the series rises, from -1 to 1). O(n²) pairs: meant for tens of points.
 */

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  if (sorted.length === 0) return 0;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Theil–Sen estimator of the slope of y over x (pairs with equal x are skipped); 0 with fewer than 2 points. */
export function theilSenSlope(xs: readonly number[], ys: readonly number[]): number {
  const slopes: number[] = [];
  for (let i = 0; i < xs.length; i++) {
    for (let j = i + 1; j < xs.length; j++) {
      const dx = (xs[j] as number) - (xs[i] as number);
      if (dx !== 0) slopes.push(((ys[j] as number) - (ys[i] as number)) / dx);
    }
  }
  return median(slopes);
}

/** Kendall's τ-a between x and y: (concordant − discordant) / pairs; 0 with fewer than 2 points. */
export function kendallTau(xs: readonly number[], ys: readonly number[]): number {
  let score = 0;
  let pairs = 0;
  for (let i = 0; i < xs.length; i++) {
    for (let j = i + 1; j < xs.length; j++) {
      const s =
        Math.sign((xs[j] as number) - (xs[i] as number)) *
        Math.sign((ys[j] as number) - (ys[i] as number));
      score += s;
      pairs++;
    }
  }
  return pairs === 0 ? 0 : score / pairs;
}
