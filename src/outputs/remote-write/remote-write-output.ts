/**
 * `--out prometheus-rw=<url>`: Prometheus remote write 1.0. Every interval's values are kept as a
 * frame (1 s resolution); every push interval the frames go out as one or more requests. Trend
 * statistics gauges ride on the last frame of each push; native histograms (opt-in) go in their
 * own requests, because a Prometheus without native histograms rejects a whole request that
 * holds one (v1 is all-or-nothing).
 */
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import type { IntervalUpdate, RunEnd, RunMeta } from '../../results/run-meta.js';
import { redactText } from '../../util/redact.js';
import {
  DEFAULT_FLUSH_TIMEOUT_MS,
  deliveryWarning,
  flushTimeoutFromEnv,
  warnOnStderr,
} from '../delivery.js';
import type { Output } from '../output.js';
import { PrometheusModel, type PrometheusModelOptions } from '../prometheus/model.js';
import { modelOptionsFromEnv, parseDurationOption } from '../prometheus/options.js';
import { captureNatives, chunk, type Frame, groupNatives, groupSamples } from './batch.js';
import {
  RemoteWriteClient,
  type RemoteWriteClientOptions,
  type RemoteWriteStats,
} from './client.js';
import { compressBlock, encodeWriteRequest } from './encode.js';

/** Options of {@link createRemoteWriteOutput}. */
export interface RemoteWriteOutputOptions
  extends PrometheusModelOptions,
    Omit<RemoteWriteClientOptions, 'url'> {
  /** Receiver URL, e.g. http://127.0.0.1:9090/api/v1/write. */
  url: string;
  /** How often to push, ms (default 5000, as k6). */
  pushIntervalMs?: number;
  /** Series per request (default 2000). */
  maxSeriesPerRequest?: number;
  /**
   * Longest wait for the last batches at the end of the run, ms (REDLINE_OUT_FLUSH_TIMEOUT,
   * default 3 s); what is not delivered by then is counted as lost in the warning.
   */
  flushTimeoutMs?: number;
  /** Where end-of-run warnings go (default: a `redline: warning:` line on stderr). */
  warn?: (message: string) => void;
}

/** The remote write output, with its delivery counters. */
export interface RemoteWriteOutput extends Output {
  readonly stats: RemoteWriteStats;
}

/** Creates the remote write output. */
export function createRemoteWriteOutput(options: RemoteWriteOutputOptions): RemoteWriteOutput {
  const url = validateUrl(options.url);
  const headers = { ...options.headers };
  if (url.username !== '' && headers['Authorization'] === undefined) {
    // fetch refuses URLs with credentials: move them to a Basic header.
    headers['Authorization'] =
      `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
  }
  url.username = '';
  url.password = '';
  const where = redactText(url.href);
  const flushTimeoutMs = options.flushTimeoutMs ?? DEFAULT_FLUSH_TIMEOUT_MS;
  const model = new PrometheusModel(options);
  const client = new RemoteWriteClient({ ...options, headers, url: url.href });
  const perRequest = options.maxSeriesPerRequest ?? 2000;
  let frames: Frame[] = [];
  let pushEvery = 5;
  let startedAtMs = 0;

  const capture = (timestamp: number, stats: boolean): Frame => ({
    timestamp,
    families: model.families(stats),
    natives: captureNatives(model.nativeSeries(), timestamp),
  });
  const push = () => {
    if (frames.length === 0) return;
    const batch = frames;
    frames = [];
    for (const part of chunk(groupSamples(batch), perRequest))
      client.enqueue(compressBlock(encodeWriteRequest(part)));
    for (const part of chunk(groupNatives(batch), perRequest))
      client.enqueue(compressBlock(encodeWriteRequest(part)));
  };

  return {
    description: `prometheus-rw (${where})`,
    stats: client.stats,
    start(meta: RunMeta) {
      model.start(meta);
      startedAtMs = meta.startedAtMs;
      pushEvery = Math.max(1, Math.round((options.pushIntervalMs ?? 5000) / meta.intervalMs));
    },
    onInterval(update: IntervalUpdate) {
      const timestamp = Math.round(startedAtMs + update.endMs);
      model.update(update.delta, update.totals, timestamp);
      const last = frames.length + 1 >= pushEvery;
      frames.push(capture(timestamp, last));
      if (last) push();
    },
    async stop(end: RunEnd) {
      const timestamp = Math.max(Math.round(startedAtMs + end.durationMs), model.lastUpdateMs + 1);
      model.update(undefined, end.totals, timestamp);
      frames.push(capture(timestamp, true));
      push();
      await client.flush(flushTimeoutMs);
      const s = client.stats;
      const lost = s.queued - s.sent;
      if (lost > 0) {
        (options.warn ?? warnOnStderr)(
          deliveryWarning({
            sink: 'prometheus-rw',
            url: where,
            lost,
            total: s.queued,
            reason: s.lastError ?? 'dropped from a full queue',
            timedOut: s.timedOut,
            flushTimeoutMs,
          }),
        );
      }
    },
  };
}

/** Environment variables of `--out prometheus-rw` (names mirror k6's K6_PROMETHEUS_RW_*). */
export const REMOTE_WRITE_ENV = {
  pushInterval: 'REDLINE_PROMETHEUS_RW_PUSH_INTERVAL',
  nativeHistograms: 'REDLINE_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM',
  bearerToken: 'REDLINE_PROMETHEUS_RW_BEARER_TOKEN',
  username: 'REDLINE_PROMETHEUS_RW_USERNAME',
  password: 'REDLINE_PROMETHEUS_RW_PASSWORD',
  headerPrefix: 'REDLINE_PROMETHEUS_RW_HEADERS_',
} as const;

/** Factory for `--out prometheus-rw=<url>` (settings from REDLINE_PROMETHEUS_* variables). */
export function createRemoteWriteOutputFromArgument(
  argument: string,
  env: NodeJS.ProcessEnv = process.env,
): RemoteWriteOutput {
  const options: RemoteWriteOutputOptions = {
    ...modelOptionsFromEnv(env),
    url: argument || 'http://127.0.0.1:9090/api/v1/write',
    flushTimeoutMs: flushTimeoutFromEnv(env),
  };
  const push = env[REMOTE_WRITE_ENV.pushInterval];
  if (push) options.pushIntervalMs = parseDurationOption(push, REMOTE_WRITE_ENV.pushInterval);
  const native = env[REMOTE_WRITE_ENV.nativeHistograms];
  if (native) options.nativeHistograms = /^(1|true|yes)$/i.test(native.trim());
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (k.startsWith(REMOTE_WRITE_ENV.headerPrefix) && v !== undefined)
      headers[k.slice(REMOTE_WRITE_ENV.headerPrefix.length).replace(/_/g, '-')] = v;
  }
  const token = env[REMOTE_WRITE_ENV.bearerToken];
  const user = env[REMOTE_WRITE_ENV.username];
  if (token) headers['Authorization'] = `Bearer ${token}`;
  else if (user)
    headers['Authorization'] =
      `Basic ${Buffer.from(`${user}:${env[REMOTE_WRITE_ENV.password] ?? ''}`).toString('base64')}`;
  options.headers = headers;
  return createRemoteWriteOutput(options);
}

function validateUrl(text: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new RedlineError(
      'E_OUTPUT_OPTION',
      `invalid remote write URL "${redactText(text)}" in --out prometheus-rw`,
      {
        hint: 'use --out prometheus-rw=http://host:9090/api/v1/write',
        exitCode: ExitCode.Usage,
      },
    );
  }
  return url;
}
