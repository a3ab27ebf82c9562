/**
 * Remote write HTTP client: sends compressed WriteRequests one at a time, in order, with the v1
 * headers; retries 5xx, 429 and network errors with exponential backoff (never other 4xx), and
 * bounds its queue so a dead receiver cannot eat the generator's memory. At the end, `flush`
 * waits at most the flush timeout, then aborts what is in flight so nothing outlives the run.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { REDLINE_VERSION } from '../../util/version.js';
import { describeDeliveryError } from '../delivery.js';

const VERSION = REDLINE_VERSION;

/** Options of {@link RemoteWriteClient}. */
export interface RemoteWriteClientOptions {
  url: string;
  /** Extra headers (e.g. Authorization, X-Scope-OrgID). Never logged. */
  headers?: Record<string, string>;
  /** Retries after the first attempt (default 4). */
  maxRetries?: number;
  /** First backoff in ms, doubled each retry up to 5 s (default 250). */
  backoffMs?: number;
  /** Per-attempt timeout in ms (default 10 s). */
  timeoutMs?: number;
  /** Requests waiting to be sent before the oldest is dropped (default 64). */
  maxQueue?: number;
}

/** What happened to the requests so far. */
export interface RemoteWriteStats {
  /** Requests queued in all (each one batch of intervals). */
  queued: number;
  sent: number;
  failed: number;
  /** Dropped from a full queue, or still waiting when the flush timeout ended the delivery. */
  dropped: number;
  retries: number;
  /** True when the flush timeout cut the final delivery short. */
  timedOut: boolean;
  /** The last failure in words (`connection refused`, `HTTP 500: ...`; no header values). */
  lastError?: string;
}

/** Sends remote write requests sequentially. */
export class RemoteWriteClient {
  readonly stats: RemoteWriteStats = {
    queued: 0,
    sent: 0,
    failed: 0,
    dropped: 0,
    retries: 0,
    timedOut: false,
  };
  readonly #options: RemoteWriteClientOptions;
  readonly #queue: Buffer[] = [];
  readonly #closed = new AbortController();
  readonly #url: URL;
  // Own agent (not fetch's global pool): closing the client destroys its sockets, so a receiver
  // that never answers holds nothing open once the flush timeout is over.
  readonly #agent: HttpAgent;
  #running: Promise<void> | undefined;

  constructor(options: RemoteWriteClientOptions) {
    this.#options = options;
    this.#url = new URL(options.url);
    this.#agent =
      this.#url.protocol === 'https:'
        ? new HttpsAgent({ keepAlive: true })
        : new HttpAgent({ keepAlive: true });
  }

  /** Queues one compressed request; returns at once. */
  enqueue(body: Buffer): void {
    if (this.#closed.signal.aborted) return;
    this.stats.queued++;
    if (this.#queue.length >= (this.#options.maxQueue ?? 64)) {
      this.#queue.shift();
      this.stats.dropped++;
    }
    this.#queue.push(body);
    this.#running ??= this.#drain().finally(() => {
      this.#running = undefined;
    });
  }

  /**
   * Resolves when the queue is empty or `timeoutMs` passed; then the client is closed: the request
   * in flight is aborted (counted as failed), waiting ones are counted as dropped, and no timer or
   * socket of this client outlives the call.
   */
  async flush(timeoutMs: number): Promise<void> {
    if (this.#running) {
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), timeoutMs);
      });
      const timedOut = await Promise.race([this.#running.then(() => false), expired]);
      clearTimeout(timer);
      if (timedOut) this.stats.timedOut = true;
    }
    this.#closed.abort();
    await this.#running;
    this.#agent.destroy();
  }

  async #drain(): Promise<void> {
    for (let body = this.#queue.shift(); body; body = this.#queue.shift()) {
      if (this.#closed.signal.aborted) {
        this.stats.dropped += 1 + this.#queue.length;
        this.#queue.length = 0;
        return;
      }
      const ok = await this.#send(body);
      if (ok) this.stats.sent++;
      else this.stats.failed++;
    }
  }

  async #send(body: Buffer): Promise<boolean> {
    const maxRetries = this.#options.maxRetries ?? 4;
    const timeoutMs = this.#options.timeoutMs ?? 10_000;
    const closed = this.#closed.signal;
    let backoff = this.#options.backoffMs ?? 250;
    for (let attempt = 0; ; attempt++) {
      if (closed.aborted) {
        this.stats.lastError ??= 'no answer before the flush timeout';
        return false;
      }
      let retryAfterMs = 0;
      try {
        const response = await post(
          this.#url,
          {
            ...this.#options.headers,
            'Content-Type': 'application/x-protobuf',
            'Content-Encoding': 'snappy',
            'X-Prometheus-Remote-Write-Version': '0.1.0',
            'User-Agent': `redline/${VERSION}`,
          },
          body,
          this.#agent,
          AbortSignal.any([closed, AbortSignal.timeout(timeoutMs)]),
        );
        if (response.status >= 200 && response.status < 300) return true;
        const text = response.text.slice(0, 200).trim();
        this.stats.lastError = `HTTP ${response.status}${text ? `: ${text}` : ''}`;
        if (response.status !== 429 && response.status < 500) return false;
        retryAfterMs = parseRetryAfter(response.headers['retry-after'] ?? null);
      } catch (error) {
        // Aborted by the flush timeout: keep the reason of the failures before, if any.
        if (closed.aborted) this.stats.lastError ??= 'no answer before the flush timeout';
        else this.stats.lastError = describeDeliveryError(error, timeoutMs);
      }
      if (attempt >= maxRetries || closed.aborted) return false;
      this.stats.retries++;
      await sleep(Math.max(backoff, retryAfterMs), closed);
      backoff = Math.min(backoff * 2, 5000);
    }
  }
}

/** One POST: status, headers and up to 4 KiB of the body; rejects on network errors and abort. */
function post(
  url: URL,
  headers: Record<string, string>,
  body: Buffer,
  agent: HttpAgent,
  signal: AbortSignal,
): Promise<{ status: number; headers: IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(
      url,
      { method: 'POST', headers: { ...headers, 'Content-Length': body.length }, agent, signal },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          if (size < 4096) chunks.push(chunk);
          size += chunk.length;
        });
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** Retry-After in ms (seconds form only), capped at 10 s; 0 when absent or unreadable. */
function parseRetryAfter(value: string | string[] | null): number {
  if (Array.isArray(value)) return parseRetryAfter(value[0] ?? null);
  const seconds = value === null ? Number.NaN : Number(value);
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds * 1000, 10_000) : 0;
}

/** Waits `ms`, or less when `signal` aborts (the timer is then cleared). */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
