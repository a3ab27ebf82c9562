/** Probe configuration from environment variables (the channel Redline uses when it starts an app). */

/** Environment variables the probe reads. */
export const PROBE_ENV = {
  /** NDJSON report file: the probe appends stats and findings periodically and on exit. */
  report: 'REDLINE_PROBE_REPORT',
  /** Port of the Prometheus /metrics side server (0 = any free port; unset = no server). */
  metricsPort: 'REDLINE_PROBE_METRICS_PORT',
  /** How often the report file is updated (ms, default 2000). */
  flushMs: 'REDLINE_PROBE_FLUSH_MS',
  /** N+1: executions of one query from one call site within one request (default 5). */
  nPlusOneCount: 'REDLINE_PROBE_N1_COUNT',
  /** N+1: an optional floor on their summed duration, ms (default 0: decided on repetition). */
  nPlusOneMs: 'REDLINE_PROBE_N1_MS',
  /** Set to 0 to turn off the SELECT * column-use sampling (row proxies). */
  selectStar: 'REDLINE_PROBE_SELECT_STAR',
  /**
   * Set to 1 to put each top statement's slowest real execution (text and parameters, unredacted)
   * in the stats record, so that the audit can EXPLAIN ANALYZE it. The audit sets it for its own
   * private report file only: parameters may hold e-mails or tokens.
   */
  querySamples: 'REDLINE_PROBE_SAMPLES',
} as const;

/** The probe's settings. Thresholds default to the values documented in docs/probe.md. */
export interface ProbeConfig {
  reportFile?: string;
  metricsPort?: number;
  flushMs: number;
  nPlusOneCount: number;
  nPlusOneMs: number;
  selectStarSampling: boolean;
  /** Stats records carry one real execution per top statement (see PROBE_ENV.querySamples). */
  querySamples: boolean;
  /** Project root used to shorten file paths and to tell app frames from dependencies. */
  root: string;
}

/**
 * N+1 is decided on repetition: the same statement shape from one call site ≥ 5 times in one
 * request (Sentry's span count). Calibration: probe-n-plus-one-at-limit (5 per request, each
 * under 1 ms) is found at its line; probe-n-plus-one-below-limit (4 per request) stays silent. No duration floor by default: a 50 ms floor (Sentry's) hid a
 * 20-queries-per-request loop that cost 5 ms per request but 96% of the route's time; the
 * severity comes from the measured share of route time instead.
 */
export const DEFAULT_N_PLUS_ONE_COUNT = 5;
export const DEFAULT_N_PLUS_ONE_MS = 0;
/** Default report flush interval (ms). */
export const DEFAULT_FLUSH_MS = 2000;

/** Reads the configuration from `env`. Invalid numbers fall back to the defaults. */
export function parseProbeConfig(
  env: NodeJS.ProcessEnv = process.env,
  root = process.cwd(),
): ProbeConfig {
  const config: ProbeConfig = {
    flushMs: positive(env[PROBE_ENV.flushMs]) ?? DEFAULT_FLUSH_MS,
    nPlusOneCount: positive(env[PROBE_ENV.nPlusOneCount]) ?? DEFAULT_N_PLUS_ONE_COUNT,
    nPlusOneMs: nonNegative(env[PROBE_ENV.nPlusOneMs]) ?? DEFAULT_N_PLUS_ONE_MS,
    selectStarSampling: env[PROBE_ENV.selectStar] !== '0',
    querySamples: env[PROBE_ENV.querySamples] === '1',
    root,
  };
  const report = env[PROBE_ENV.report];
  if (report) config.reportFile = report;
  const port = nonNegative(env[PROBE_ENV.metricsPort]);
  if (port !== undefined) config.metricsPort = port;
  return config;
}

function positive(value: string | undefined): number | undefined {
  const n = Number(value);
  return value !== undefined && value !== '' && Number.isFinite(n) && n > 0 ? n : undefined;
}

function nonNegative(value: string | undefined): number | undefined {
  const n = Number(value);
  return value !== undefined && value !== '' && Number.isFinite(n) && n >= 0 ? n : undefined;
}
