/**
 * Remote write HTTP client: sends compressed WriteRequests one at a time, in order, with the v1
 * headers; retries 5xx, 429 and network errors with exponential backoff (never other 4xx), and
 * bounds its queue so a dead receiver cannot eat the generator's memory.
 */
import { REDLINE_VERSION } from '../../util/version.js';

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
  sent: number;
  failed: number;
  dropped: number;
  retries: number;
  /** The last failure, for the end-of-run warning (no header values). */
  lastError?: string;
}

/** Sends remote write requests sequentially. */
export class RemoteWriteClient {
  readonly stats: RemoteWriteStats = { sent: 0, failed: 0, dropped: 0, retries: 0 };
  readonly #options: RemoteWriteClientOptions;
  readonly #queue: Buffer[] = [];
  #running: Promise<void> | undefined;

  constructor(options: RemoteWriteClientOptions) {
    this.#options = options;
  }

  /** Queues one compressed request; returns at once. */
  enqueue(body: Buffer): void {
    if (this.#queue.length >= (this.#options.maxQueue ?? 64)) {
      this.#queue.shift();
      this.stats.dropped++;
    }
    this.#queue.push(body);
    this.#running ??= this.#drain().finally(() => {
      this.#running = undefined;
    });
  }

  /** Resolves when the queue is empty (or `deadlineMs` passed; the rest is counted as dropped). */
  async flush(deadlineMs = 15_000): Promise<void> {
    const deadline = Date.now() + deadlineMs;
    while (this.#running) {
      const left = deadline - Date.now();
      if (left <= 0) {
        this.stats.dropped += this.#queue.length;
        this.#queue.length = 0;
        return;
      }
      await Promise.race([this.#running, sleep(Math.min(left, 100))]);
    }
  }

  async #drain(): Promise<void> {
    for (let body = this.#queue.shift(); body; body = this.#queue.shift()) {
      const ok = await this.#send(body);
      if (ok) this.stats.sent++;
      else this.stats.failed++;
    }
  }

  async #send(body: Buffer): Promise<boolean> {
    const maxRetries = this.#options.maxRetries ?? 4;
    let backoff = this.#options.backoffMs ?? 250;
    for (let attempt = 0; ; attempt++) {
      let retryAfterMs = 0;
      try {
        const response = await fetch(this.#options.url, {
          method: 'POST',
          headers: {
            ...this.#options.headers,
            'Content-Type': 'application/x-protobuf',
            'Content-Encoding': 'snappy',
            'X-Prometheus-Remote-Write-Version': '0.1.0',
            'User-Agent': `redline/${VERSION}`,
          },
          body,
          signal: AbortSignal.timeout(this.#options.timeoutMs ?? 10_000),
        });
        const text = response.ok ? '' : (await response.text()).slice(0, 200).trim();
        if (response.ok) return true;
        this.stats.lastError = `HTTP ${response.status}${text ? `: ${text}` : ''}`;
        if (response.status !== 429 && response.status < 500) return false;
        retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
      } catch (error) {
        this.stats.lastError = error instanceof Error ? error.message : String(error);
      }
      if (attempt >= maxRetries) return false;
      this.stats.retries++;
      await sleep(Math.max(backoff, retryAfterMs));
      backoff = Math.min(backoff * 2, 5000);
    }
  }
}

/** Retry-After in ms (seconds form only), capped at 10 s; 0 when absent or unreadable. */
function parseRetryAfter(value: string | null): number {
  const seconds = value === null ? Number.NaN : Number(value);
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds * 1000, 10_000) : 0;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
