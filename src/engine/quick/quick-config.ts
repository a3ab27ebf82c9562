/**
 * Quick mode (`redline run <url>`): options as users give them, and the normalised, serialisable
 * per-shard configuration the shards run (one shard per worker thread).
 */

import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import { http2Headers } from '../../http/h2-connection.js';
import { DEFAULT_USER_AGENT, encodeRequest, parseTarget, type Target } from '../../http/target.js';
import type { Output } from '../../outputs/output.js';

/** Options of a quick-mode run (the `redline run <url>` flags, as an API). */
export interface QuickRunOptions {
  url: string;
  /** Concurrent connections (closed model) or connection pool size (open model). Default 10. */
  connections?: number;
  /** Measured duration in ms. Default 10 s unless `requests` is set. */
  durationMs?: number;
  /** Total number of requests (then the run ends when all completed). */
  requests?: number;
  /** Open model: requests per second at a constant arrival rate. */
  rate?: number;
  method?: string;
  headers?: Record<string, string> | ReadonlyArray<readonly [string, string]>;
  body?: string | Buffer;
  /** Per-request timeout in ms. Default 10 s. */
  timeoutMs?: number;
  /** Requests in flight per connection. Default 1. */
  pipelining?: number;
  /** Worker threads. Default 1 (runs in the calling thread). */
  workers?: number;
  /** Load before the measured window, excluded from the results. */
  warmupMs?: number;
  /** Skip TLS certificate verification. */
  insecure?: boolean;
  /** HTTP/2 over TLS (ALPN `h2`; the run fails before it starts when the server does not offer it). */
  http2?: boolean;
  /** HTTP/2 over cleartext TCP with prior knowledge (`h2c`, RFC 9113 §3.3). */
  h2c?: boolean;
  /** With `http2`/`h2c`: concurrent streams per connection. Default 1 (h2load's default). */
  streams?: number;
  /** Open model: how long a due request may wait for a free connection before it is dropped. Default 1 s. */
  maxQueueMs?: number;
  /** Extra outputs (files, exporters, dashboards). */
  outputs?: Output[];
  /** Aborting stops the run at once; results so far are kept. */
  signal?: AbortSignal;
  /** Print the live progress line (CLI only). */
  progress?: boolean;
  /** Test-wide tags added to every series. */
  tags?: Record<string, string>;
}

/** Everything one shard needs (structured-clone safe: crosses into worker threads). */
export interface QuickShardConfig {
  shard: number;
  shards: number;
  target: Target;
  method: string;
  request: Uint8Array;
  connections: number;
  pipelining: number;
  /** Requests this shard sends in total, or -1 for unbounded (duration-bound). */
  requests: number;
  /** Measured duration in ms, or -1 for count-bound runs. */
  durationMs: number;
  warmupMs: number;
  timeoutMs: number;
  /** Open model: this shard's share of the rate (req/s) and its phase offset in ms; 0 = closed model. */
  rate: number;
  phaseMs: number;
  maxQueueMs: number;
  insecure: boolean;
  /** HTTP/2 (`h2` over TLS, `h2c` cleartext): the request as headers and body; null for HTTP/1.1. */
  http2: QuickHttp2Config | null;
  tags: Record<string, string>;
  intervalMs: number;
}

/** The HTTP/2 part of a shard's configuration. */
export interface QuickHttp2Config {
  mode: 'h2' | 'h2c';
  /** Concurrent streams per connection. */
  streams: number;
  headers: Record<string, string | string[]>;
  body: Uint8Array | null;
}

function positiveInt(
  name: string,
  value: number | undefined,
  fallback: number,
  max = 1_000_000,
): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new RedlineError(
      'E_USAGE_NUMBER',
      `${name} must be an integer between 1 and ${max}, got ${value}`,
      { exitCode: ExitCode.Usage },
    );
  }
  return value;
}

/** Splits `total` into `parts` integers that differ by at most one (first parts get the extra). */
export function splitEvenly(total: number, parts: number): number[] {
  const base = Math.floor(total / parts);
  const extra = total % parts;
  return Array.from({ length: parts }, (_, i) => base + (i < extra ? 1 : 0));
}

/**
 * Validates options and builds one config per shard. Connections, requests and rate are split
 * exactly; in the open model shard k takes every W-th slot of the global schedule
 * (phase k/rate), so the shards together keep the global arrival times.
 */
export function planQuickShards(options: QuickRunOptions, intervalMs = 1000): QuickShardConfig[] {
  const target = parseTarget(options.url);
  const method = (options.method ?? 'GET').toUpperCase();
  const headers = Array.isArray(options.headers)
    ? (options.headers as ReadonlyArray<readonly [string, string]>)
    : Object.entries(options.headers ?? {});
  const body =
    options.body === undefined
      ? undefined
      : Buffer.isBuffer(options.body)
        ? options.body
        : Buffer.from(options.body);
  const request = encodeRequest({
    method,
    path: target.path,
    hostHeader: target.hostHeader,
    headers,
    body,
  });
  const connections = positiveInt('--connections', options.connections, 10);
  const pipelining = positiveInt('--pipelining', options.pipelining, 1, 1000);
  const workers = positiveInt('--workers', options.workers, 1, 256);
  if (workers > connections) {
    throw new RedlineError(
      'E_USAGE_WORKERS',
      `--workers (${workers}) cannot exceed --connections (${connections})`,
      {
        hint: 'each worker needs at least one connection',
        exitCode: ExitCode.Usage,
      },
    );
  }
  const requests =
    options.requests === undefined
      ? -1
      : positiveInt('--requests', options.requests, 1, Number.MAX_SAFE_INTEGER);
  if (options.rate !== undefined && !(options.rate > 0 && Number.isFinite(options.rate))) {
    throw new RedlineError(
      'E_USAGE_RATE',
      `--rate must be a positive number of requests per second, got ${options.rate}`,
      { exitCode: ExitCode.Usage },
    );
  }
  const durationMs = options.durationMs ?? (requests === -1 ? 10_000 : -1);
  if (durationMs !== -1 && !(durationMs > 0)) {
    throw new RedlineError('E_USAGE_DURATION', 'the duration must be positive', {
      exitCode: ExitCode.Usage,
    });
  }
  const rate = options.rate ?? 0;
  const http2 = planHttp2(options, target, method, headers, body);
  const connectionShares = splitEvenly(connections, workers);
  const requestShares =
    requests === -1 ? connectionShares.map(() => -1) : splitEvenly(requests, workers);
  return connectionShares.map((share, shard) => ({
    shard,
    shards: workers,
    target,
    method,
    request: new Uint8Array(request),
    connections: share,
    pipelining,
    requests: requestShares[shard] as number,
    durationMs,
    warmupMs: options.warmupMs ?? 0,
    timeoutMs: options.timeoutMs ?? 10_000,
    rate: rate / workers,
    phaseMs: rate > 0 ? (shard * 1000) / rate : 0,
    maxQueueMs: options.maxQueueMs ?? 1000,
    insecure: options.insecure ?? false,
    http2,
    tags: { ...(options.tags ?? {}) },
    intervalMs,
  }));
}

function usage(code: string, message: string, hint?: string): RedlineError {
  return new RedlineError(code, message, {
    ...(hint ? { hint } : {}),
    exitCode: ExitCode.Usage,
  });
}

/** Validates the HTTP/2 flags against the URL and builds the HTTP/2 request; null for HTTP/1.1. */
function planHttp2(
  options: QuickRunOptions,
  target: Target,
  method: string,
  headers: ReadonlyArray<readonly [string, string]>,
  body: Buffer | undefined,
): QuickHttp2Config | null {
  if (options.http2 && options.h2c) {
    throw usage(
      'E_USAGE_HTTP2',
      '--http2 and --h2c cannot be combined',
      '--http2 is HTTP/2 over TLS (https://), --h2c is cleartext HTTP/2 (http://)',
    );
  }
  if (!options.http2 && !options.h2c) {
    if (options.streams !== undefined) {
      throw usage(
        'E_USAGE_HTTP2',
        '--streams needs --http2 (https://) or --h2c (http://)',
        'HTTP/1.1 has no streams; use --pipelining for requests in flight per connection',
      );
    }
    return null;
  }
  const mode = options.http2 ? 'h2' : 'h2c';
  if (mode === 'h2' && target.protocol !== 'https:') {
    throw usage(
      'E_USAGE_HTTP2',
      `--http2 needs an https:// URL, got ${target.href}`,
      'for cleartext HTTP/2 (prior knowledge) use --h2c with an http:// URL',
    );
  }
  if (mode === 'h2c' && target.protocol !== 'http:') {
    throw usage(
      'E_USAGE_HTTP2',
      `--h2c needs an http:// URL, got ${target.href}`,
      'for HTTP/2 over TLS use --http2 with an https:// URL',
    );
  }
  if (options.pipelining !== undefined && options.pipelining > 1) {
    throw usage(
      'E_USAGE_HTTP2',
      '--pipelining is an HTTP/1.1 option',
      'with HTTP/2 use --streams for concurrent requests per connection',
    );
  }
  return {
    mode,
    streams: positiveInt('--streams', options.streams, 1, 10_000),
    headers: http2Headers(target, method, headers, DEFAULT_USER_AGENT) as Record<
      string,
      string | string[]
    >,
    body: body && body.length > 0 ? new Uint8Array(body) : null,
  };
}
