/**
 * `--out otlp=http://host:4318`: exports the run's metrics with @opentelemetry/sdk-metrics and
 * the OTLP/HTTP (JSON) exporter, every export interval and once more at the end. Trends are
 * explicit-bucket histograms in seconds (never the SDK's millisecond default buckets). The SDK
 * is imported when the run starts (it takes ~0.4 s to load), not when the CLI starts.
 */
import { hostname } from 'node:os';
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import type { IntervalUpdate, RunEnd, RunMeta } from '../../results/run-meta.js';
import { redactText } from '../../util/redact.js';
import { REDLINE_VERSION } from '../../util/version.js';
import {
  DEFAULT_FLUSH_TIMEOUT_MS,
  deliveryWarning,
  flushTimeoutFromEnv,
  warnOnStderr,
} from '../delivery.js';
import type { Output } from '../output.js';
import { PrometheusModel } from '../prometheus/model.js';
import { parseBuckets, parseDurationOption } from '../prometheus/options.js';
import type { OtlpPipeline } from './pipeline.js';

const VERSION = REDLINE_VERSION;

/** Options of {@link createOtlpOutput}. */
export interface OtlpOutputOptions {
  /** Collector base URL (`http://host:4318`) or full metrics URL (`.../v1/metrics`). */
  url: string;
  /** Extra headers (the exporter also reads OTEL_EXPORTER_OTLP_*_HEADERS). */
  headers?: Record<string, string>;
  /** Export interval in ms (default 5000). */
  exportIntervalMs?: number;
  /** Metric name prefix (default `redline.`). */
  prefix?: string;
  /** Histogram boundaries of time trends, seconds (default: the Prometheus outputs' buckets). */
  timeBuckets?: readonly number[];
  /** `service.name` of the resource (default `redline`). */
  serviceName?: string;
  /** Timeout of one export including the exporter's retries, ms (default 10 s). */
  timeoutMs?: number;
  /**
   * Longest wait for the final export at the end of the run, ms (REDLINE_OUT_FLUSH_TIMEOUT,
   * default 3 s). Every export, retries included, is also bounded by it, so no request of this
   * output outlives the run by more than that.
   */
  flushTimeoutMs?: number;
  /** Where end-of-run warnings go (default: a `redline: warning:` line on stderr). */
  warn?: (message: string) => void;
}

/** The OTLP output. */
export interface OtlpOutput extends Output {
  /** The metrics endpoint data is posted to. */
  readonly endpoint: string;
}

/** Creates the OTLP output. */
export function createOtlpOutput(options: OtlpOutputOptions): OtlpOutput {
  const endpoint = metricsEndpoint(options.url);
  const model = new PrometheusModel({
    trendStats: [],
    ...(options.timeBuckets ? { timeBuckets: options.timeBuckets } : {}),
  });
  let pipeline: OtlpPipeline | undefined;
  let startedAtMs = 0;
  const flushTimeoutMs = options.flushTimeoutMs ?? DEFAULT_FLUSH_TIMEOUT_MS;
  const where = redactText(endpoint);

  return {
    description: `otlp (${where})`,
    endpoint,
    async start(meta: RunMeta) {
      model.start(meta);
      startedAtMs = meta.startedAtMs;
      const { createOtlpPipeline } = await import('./pipeline.js');
      pipeline = createOtlpPipeline({
        model,
        endpoint,
        version: VERSION,
        prefix: options.prefix ?? 'redline.',
        exportIntervalMs: options.exportIntervalMs ?? 5000,
        timeoutMs: Math.min(options.timeoutMs ?? 10_000, flushTimeoutMs),
        flushTimeoutMs,
        ...(options.headers ? { headers: options.headers } : {}),
        attributes: { ...meta.tags, testid: meta.tags['testid'] ?? meta.runId },
        startedAtMs: meta.startedAtMs,
        resource: {
          'service.name': options.serviceName ?? 'redline',
          'service.version': VERSION,
          'host.name': hostname(),
          'redline.run_id': meta.runId,
          'redline.target': meta.target,
        },
      });
    },
    onInterval(update: IntervalUpdate) {
      model.update(update.delta, update.totals, startedAtMs + update.endMs);
    },
    async stop(end: RunEnd) {
      model.update(
        undefined,
        end.totals,
        Math.max(startedAtMs + end.durationMs, model.lastUpdateMs),
      );
      if (!pipeline) return;
      const { exports, failed, pending, lastError } = await pipeline.shutdown();
      if (failed + pending > 0) {
        // A dead collector must not fail the run: say so once, keep the other outputs going.
        (options.warn ?? warnOnStderr)(
          deliveryWarning({
            sink: 'otlp',
            url: where,
            lost: failed + pending,
            total: exports,
            reason: lastError || 'no answer before the flush timeout',
            timedOut: pending > 0,
            flushTimeoutMs,
          }),
        );
      }
    },
  };
}

/** Factory for `--out otlp=<url>` (REDLINE_OTLP_EXPORT_INTERVAL, REDLINE_OTLP_BUCKETS). */
export function createOtlpOutputFromArgument(
  argument: string,
  env: NodeJS.ProcessEnv = process.env,
): OtlpOutput {
  const options: OtlpOutputOptions = {
    url: argument || 'http://127.0.0.1:4318',
    flushTimeoutMs: flushTimeoutFromEnv(env),
  };
  const interval = env['REDLINE_OTLP_EXPORT_INTERVAL'];
  if (interval)
    options.exportIntervalMs = parseDurationOption(interval, 'REDLINE_OTLP_EXPORT_INTERVAL');
  const buckets = env['REDLINE_OTLP_BUCKETS'];
  if (buckets) options.timeBuckets = parseBuckets(buckets, 'REDLINE_OTLP_BUCKETS');
  return createOtlpOutput(options);
}

/** `http://host:4318` -> `http://host:4318/v1/metrics`; a URL with a path is kept as is. */
export function metricsEndpoint(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new RedlineError(
      'E_OUTPUT_OPTION',
      `invalid OTLP URL "${redactText(text)}" in --out otlp`,
      {
        hint: 'use --out otlp=http://host:4318',
        exitCode: ExitCode.Usage,
      },
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new RedlineError(
      'E_OUTPUT_OPTION',
      `OTLP URL must be http or https: "${redactText(text)}"`,
      {
        hint: 'OTLP/HTTP only; use --out otlp=http://host:4318',
        exitCode: ExitCode.Usage,
      },
    );
  }
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/v1/metrics';
  return url.href;
}
