/** Formatting of byte counts, rates and plain numbers for terminal and report output. */

const BYTE_UNITS = ['B', 'kB', 'MB', 'GB', 'TB'];

/** Formats bytes in SI units as k6 does: `519 kB`, `1.2 MB`. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1000 && unit < BYTE_UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const text = unit === 0 ? String(Math.round(value)) : value.toFixed(value < 10 ? 1 : 0);
  return `${text} ${BYTE_UNITS[unit]}`;
}

/** Formats a byte change with its sign: `+1.2 MB`, `−556 kB` (never `+-`). */
export function formatSignedBytes(bytes: number): string {
  return `${bytes < 0 ? '−' : '+'}${formatBytes(Math.abs(bytes))}`;
}

/**
 * Formats a speed ratio (before / after) as people say it: `3.2× faster`, `1.1× slower` (never
 * "0.9× faster"), `no faster (1.0×)` within 5 %.
 */
export function formatSpeedup(ratio: number): string {
  if (!Number.isFinite(ratio)) return 'faster (the new time rounds to 0)';
  if (ratio >= 0.95 && ratio < 1.05) return `no faster (${ratio.toFixed(2)}×)`;
  if (ratio >= 1) return `${ratio.toFixed(1)}× faster`;
  return `${(1 / ratio).toFixed(1)}× slower`;
}

/** Formats a count with thousands separators: `1,234,567`. */
export function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** Formats a rate per second compactly: `1.2k/s`, `95.3/s`. */
export function formatRate(perSecond: number): string {
  if (perSecond >= 1000) return `${(perSecond / 1000).toFixed(1)}k/s`;
  return `${perSecond.toFixed(perSecond >= 100 ? 0 : 1)}/s`;
}

/** Formats a 0..1 fraction as a percentage with two decimals: `0.35%`. */
export function formatPercent(fraction: number, decimals = 2): string {
  return `${(fraction * 100).toFixed(decimals)}%`;
}
