/** Parsing and formatting of durations the way k6 writes them (`30s`, `2m`, `1h30m`, `250ms`). */

const UNIT_MS: Record<string, number> = {
  us: 0.001,
  µs: 0.001,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

const PART = /(\d+(?:\.\d+)?)(us|µs|ms|s|m|h|d)/y;

/**
 * Parses a duration into milliseconds. Accepts k6/Go forms (`1h30m`, `1.5s`, `500ms`) and bare
 * numbers, which mean milliseconds (as in k6 options) unless `bareUnit` says otherwise.
 * Returns `undefined` for text that is not a duration.
 */
export function parseDurationMs(
  input: string | number,
  bareUnit: 'ms' | 's' = 'ms',
): number | undefined {
  if (typeof input === 'number') {
    return Number.isFinite(input) && input >= 0 ? input * (bareUnit === 's' ? 1000 : 1) : undefined;
  }
  const text = input.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * (bareUnit === 's' ? 1000 : 1);
  let total = 0;
  PART.lastIndex = 0;
  let consumed = 0;
  while (consumed < text.length) {
    PART.lastIndex = consumed;
    const match = PART.exec(text);
    if (!match) return undefined;
    total += Number(match[1]) * (UNIT_MS[match[2] as string] as number);
    consumed = PART.lastIndex;
  }
  return total;
}

/** Formats milliseconds k6-style: `1m30s`, `2.5s`, `250ms`, `1h0m0s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${trimNumber(ms)}ms`;
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = (ms % 60_000) / 1000;
  if (hours > 0) return `${hours}h${minutes}m${trimNumber(seconds)}s`;
  if (minutes > 0) return `${minutes}m${trimNumber(seconds)}s`;
  return `${trimNumber(seconds)}s`;
}

/** Formats a latency in milliseconds with a unit that keeps 3-4 significant digits (`812µs`, `12.4ms`, `1.52s`). */
export function formatLatency(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms === 0) return '0s';
  if (ms < 1) return `${trimNumber(ms * 1000, 2)}µs`;
  if (ms < 1000) return `${trimNumber(ms, 2)}ms`;
  if (ms < 60_000) return `${trimNumber(ms / 1000, 2)}s`;
  return formatDuration(ms);
}

function trimNumber(value: number, decimals = 1): string {
  return Number(value.toFixed(decimals)).toString();
}

/**
 * Formats milliseconds the way Go's `time.Duration` prints (k6's wording): `0s`, `500ms`, `1.5s`,
 * `45m0s`, `1h0m0s`, `2m30.25s`.
 */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  if (abs < 1000) return `${sign}${trimNumber(abs, 3)}ms`;
  const hours = Math.floor(abs / 3_600_000);
  const minutes = Math.floor((abs % 3_600_000) / 60_000);
  const seconds = trimNumber((abs % 60_000) / 1000, 3);
  if (hours > 0) return `${sign}${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${sign}${minutes}m${seconds}s`;
  return `${sign}${seconds}s`;
}
