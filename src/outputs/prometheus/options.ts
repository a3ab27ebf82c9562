/** Settings of the Prometheus outputs that do not fit in `--out name=arg`: read from the environment. */
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import { parseDurationMs } from '../../util/duration.js';
import type { PrometheusModelOptions } from './model.js';
import { isTrendStat } from './naming.js';

/** Environment variables read by both Prometheus outputs (k6 reads K6_PROMETHEUS_RW_*). */
export const PROMETHEUS_ENV = {
  trendStats: 'REDLINE_PROMETHEUS_TREND_STATS',
  buckets: 'REDLINE_PROMETHEUS_BUCKETS',
  prefix: 'REDLINE_PROMETHEUS_PREFIX',
} as const;

function usage(message: string, hint: string): RedlineError {
  return new RedlineError('E_OUTPUT_OPTION', message, { hint, exitCode: ExitCode.Usage });
}

/** Parses a comma-separated list of trend statistics (`p(95),p(99),avg`); empty text means none. */
export function parseTrendStats(text: string, source: string): string[] {
  const stats = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const bad = stats.filter((s) => !isTrendStat(s));
  if (bad.length > 0) {
    throw usage(
      `invalid trend statistic ${bad.map((b) => `"${b}"`).join(', ')} in ${source}`,
      'use avg, min, med, max, count, sum or p(N) with 0 <= N <= 100, comma-separated',
    );
  }
  return stats;
}

/** Parses ascending, positive bucket bounds in seconds (`0.01,0.05,0.1,0.5,1`). */
export function parseBuckets(text: string, source: string): number[] {
  const parts = text.split(',').map((s) => s.trim());
  const values = parts.map(Number);
  const ok =
    values.length > 0 &&
    values.every(
      (v, i) => Number.isFinite(v) && v > 0 && (i === 0 || v > (values[i - 1] as number)),
    );
  if (!ok)
    throw usage(
      `invalid bucket list "${text}" in ${source}`,
      'give ascending positive numbers in seconds, comma-separated, e.g. 0.05,0.1,0.25,0.5,1',
    );
  return values;
}

/** Parses a duration option (`15s`, `500ms`). */
export function parseDurationOption(text: string, source: string): number {
  const ms = parseDurationMs(text);
  if (ms === undefined)
    throw usage(`invalid duration "${text}" in ${source}`, 'use a duration like 5s, 500ms or 1m');
  return ms;
}

/** Model options from the environment (unset variables keep the defaults). */
export function modelOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): PrometheusModelOptions {
  const options: PrometheusModelOptions = {};
  const stats = env[PROMETHEUS_ENV.trendStats];
  if (stats !== undefined) options.trendStats = parseTrendStats(stats, PROMETHEUS_ENV.trendStats);
  const buckets = env[PROMETHEUS_ENV.buckets];
  if (buckets !== undefined && buckets.trim() !== '')
    options.timeBuckets = parseBuckets(buckets, PROMETHEUS_ENV.buckets);
  const prefix = env[PROMETHEUS_ENV.prefix];
  if (prefix !== undefined) {
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(prefix) && prefix !== '') {
      throw usage(
        `invalid metric prefix "${prefix}" in ${PROMETHEUS_ENV.prefix}`,
        'use letters, digits, underscores and colons, e.g. redline_',
      );
    }
    options.prefix = prefix;
  }
  return options;
}

/**
 * Parses a listen address `[host]:port` (`:9464`, `127.0.0.1:0`, `[::1]:9464`, `9464`). An
 * empty host means 127.0.0.1: metrics are not exposed beyond this machine unless asked
 * (`0.0.0.0:9464`).
 */
export function parseListenAddress(
  text: string,
  defaultPort: number,
  source: string,
): { host: string; port: number } {
  const trimmed = text.trim();
  if (trimmed === '') return { host: '127.0.0.1', port: defaultPort };
  const m = /^(?:(?:\[([^\]]+)\]|([^:[\]]*)):)?(\d+)$/.exec(trimmed);
  const port = m ? Number(m[3]) : Number.NaN;
  if (!m || !Number.isInteger(port) || port < 0 || port > 65_535) {
    throw usage(
      `invalid listen address "${text}" in ${source}`,
      'use [host]:port, e.g. :9464 or 0.0.0.0:9464',
    );
  }
  const host = m[1] ?? m[2] ?? '';
  return { host: host === '' ? '127.0.0.1' : host, port };
}
