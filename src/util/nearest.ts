/** "Did you mean …?" suggestions: the candidate nearest to a misspelled name (Levenshtein). */

/** Edit distance (insertions, deletions, substitutions) between two strings; O(a·b) time, O(b) memory. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let previous = new Array<number>(b.length + 1);
  let current = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
    }
    [previous, current] = [current, previous];
  }
  return previous[b.length] as number;
}

/**
 * The candidate closest to `input` (case-insensitive), or undefined when none is close enough:
 * at most `maxDistance` edits (default: a third of the input's length, at least 2). Unless
 * `prefixes` is false, a candidate that starts with the input, or that the input starts with,
 * also counts as close.
 */
export function findNearest(
  input: string,
  candidates: Iterable<string>,
  maxDistance = Math.max(2, Math.floor(input.length / 3)),
  prefixes = true,
): string | undefined {
  const needle = input.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const hay = candidate.toLowerCase();
    let distance = editDistance(needle, hay);
    if (prefixes && needle.length >= 3 && (hay.startsWith(needle) || needle.startsWith(hay))) {
      distance = Math.min(distance, 1);
    }
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= maxDistance ? best : undefined;
}

/** `; did you mean "x"?` when a near candidate exists, otherwise the empty string. */
export function didYouMean(input: string, candidates: Iterable<string>): string {
  return nearestHint(findNearest(input, candidates));
}

/** The one wording of a suggestion: `; did you mean "x"?`, or the empty string without one. */
export function nearestHint(nearest: string | undefined): string {
  return nearest ? `; did you mean "${nearest}"?` : '';
}
