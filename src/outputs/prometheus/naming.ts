/** Prometheus names, labels, units and default buckets of Redline's exported series (k6-like). */
import type { MetricDescriptor, ValueContains } from '../../metrics/metric-types.js';

/** Prefix of every exported series (k6 uses `k6_`). */
export const DEFAULT_PREFIX = 'redline_';

/**
 * Classic bucket boundaries (seconds) of time trends. Based on the OpenTelemetry HTTP duration
 * advice, with finer sub-millisecond buckets and every latency target of the usual success
 * criteria (200/300/400/500/600/800 ms, 1 s) as a boundary, so latency SLOs can use them exactly.
 */
export const DEFAULT_TIME_BUCKETS_SECONDS: readonly number[] = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6,
  0.75, 0.8, 1, 1.5, 2, 2.5, 5, 7.5, 10, 30, 60,
];

/** Classic bucket boundaries (bytes) of data trends: powers of four from 64 B to 64 MiB. */
export const DEFAULT_DATA_BUCKETS_BYTES: readonly number[] = Array.from(
  { length: 11 },
  (_, i) => 64 * 4 ** i,
);

/** Classic bucket boundaries of unit-less trends: 1-2.5-5 steps from 0.001 to 100 000. */
export const DEFAULT_PLAIN_BUCKETS: readonly number[] = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500,
  1000, 2500, 5000, 10_000, 25_000, 50_000, 100_000,
];

/** Trend statistics exported as gauges by default (k6's remote write exports `p(99)` only). */
export const DEFAULT_TREND_STATS: readonly string[] = ['p(95)', 'p(99)'];

/** Trend statistics names accepted in `trendStats`. */
const TREND_STAT_PATTERN = /^(avg|min|med|max|count|sum|p\((\d+(?:\.\d+)?)\))$/;

/** True when `stat` is a trend statistic name (`avg`, `min`, `med`, `max`, `count`, `sum`, `p(N)`). */
export function isTrendStat(stat: string): boolean {
  const m = TREND_STAT_PATTERN.exec(stat);
  if (!m) return false;
  return m[2] === undefined || Number(m[2]) <= 100;
}

/** Suffix of a trend statistic gauge, k6's spelling: `p(95)` -> `p95`, `p(99.9)` -> `p999`. */
export function trendStatSuffix(stat: string): string {
  const m = /^p\((\d+)(?:\.(\d+))?\)$/.exec(stat);
  if (!m) return stat;
  return `p${m[1]}${m[2] ?? ''}`;
}

/** Factor from a trend's value unit (ms for time) to the exported base unit (seconds). */
export function unitFactor(contains: ValueContains): number {
  return contains === 'time' ? 0.001 : 1;
}

/** Unit suffix of a histogram's name: `_seconds` for time, `_bytes` for data, none otherwise. */
export function unitSuffix(contains: ValueContains): string {
  return contains === 'time' ? '_seconds' : contains === 'data' ? '_bytes' : '';
}

/** Default classic buckets for a trend holding `contains` values. */
export function defaultBuckets(contains: ValueContains): readonly number[] {
  return contains === 'time'
    ? DEFAULT_TIME_BUCKETS_SECONDS
    : contains === 'data'
      ? DEFAULT_DATA_BUCKETS_BYTES
      : DEFAULT_PLAIN_BUCKETS;
}

/** Names of every series a metric produces (see docs/monitoring.md for the full table). */
export interface MetricNames {
  /** Counter: `<p><name>_total`; gauge: `<p><name>`; rate: `<p><name>_rate`; trend: histogram base. */
  main: string;
  /** Rate only: counters of non-zero and zero values. */
  passes?: string;
  fails?: string;
  /** Trend only: prefix of the statistic gauges (`<p><name>_`, then `p95`, `avg`, ...). */
  statPrefix?: string;
}

/** The exported names of `descriptor` with `prefix`. */
export function metricNames(descriptor: MetricDescriptor, prefix: string): MetricNames {
  const base = prefix + descriptor.name;
  switch (descriptor.type) {
    case 'counter':
      return { main: `${base}_total` };
    case 'gauge':
      return { main: base };
    case 'rate':
      return { main: `${base}_rate`, passes: `${base}_passes_total`, fails: `${base}_fails_total` };
    case 'trend':
      return { main: base + unitSuffix(descriptor.contains), statPrefix: `${base}_` };
  }
}

const LABEL_OK = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const RESERVED_LABELS = new Set(['le', 'quantile']);

/**
 * A Prometheus-valid label name for a tag: invalid characters become `_`, a leading digit gets a
 * `_` prefix, and names Prometheus reserves (`__*`, `le`, `quantile`) get a `tag_` prefix.
 */
export function sanitizeLabelName(tag: string): string {
  let name = LABEL_OK.test(tag) ? tag : tag.replace(/[^a-zA-Z0-9_]/g, '_');
  if (name === '' || /^[0-9]/.test(name)) name = `_${name}`;
  if (name.startsWith('__') || RESERVED_LABELS.has(name)) name = `tag_${name}`;
  return name;
}

/** Short help texts of the built-in metrics (`# HELP` lines and OTLP descriptions). */
const HELP: Readonly<Record<string, string>> = {
  vus: 'Active virtual users (or open connections in quick mode)',
  vus_max: 'Allocated virtual users',
  iterations: 'Completed iterations of the default function',
  dropped_iterations: 'Iterations an arrival-rate executor could not start',
  iteration_duration: 'Duration of one full iteration',
  checks: 'Share of successful checks',
  group_duration: 'Duration of a group',
  http_reqs: 'HTTP requests completed',
  http_req_failed: 'Share of failed HTTP requests (not an expected response)',
  http_req_duration: 'HTTP request duration (sending + waiting + receiving)',
  http_req_blocked: 'Time waiting for a free connection slot',
  http_req_connecting: 'Time establishing the TCP connection',
  http_req_tls_handshaking: 'Time in the TLS handshake',
  http_req_sending: 'Time sending the request',
  http_req_waiting: 'Time waiting for the first response byte',
  http_req_receiving: 'Time receiving the response body',
  http_req_duration_corrected: 'HTTP request duration from the intended start (open model)',
  data_sent: 'Bytes sent',
  data_received: 'Bytes received',
};

/** Help text of a metric: the built-in description or a generic one for custom metrics. */
export function helpText(descriptor: MetricDescriptor): string {
  return HELP[descriptor.name] ?? `Custom ${descriptor.type} metric ${descriptor.name}`;
}
