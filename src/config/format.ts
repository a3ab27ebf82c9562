/** Text formatting used in plan descriptions: durations exactly as Go (and so k6) prints them. */

/**
 * Formats milliseconds the way Go's `time.Duration` prints (k6's wording): `0s`, `500ms`, `1.5s`,
 * `45m0s`, `1h0m0s`, `2m30.25s`.
 */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  if (abs < 1000) return `${sign}${trimDecimals(abs, 3)}ms`;
  const hours = Math.floor(abs / 3_600_000);
  const minutes = Math.floor((abs % 3_600_000) / 60_000);
  const seconds = trimDecimals((abs % 60_000) / 1000, 3);
  if (hours > 0) return `${sign}${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${sign}${minutes}m${seconds}s`;
  return `${sign}${seconds}s`;
}

function trimDecimals(value: number, decimals: number): string {
  return String(Number(value.toFixed(decimals)));
}

/** `1 scenario`, `2 scenarios`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
