/** The request history behind GET /debug/requests: unbounded when the memory-leak bottleneck is planted, a ring when fixed. */
import type { IncomingMessage } from 'node:http';
import { RingBuffer } from './ring-buffer.js';

/**
 * Default capacity of the bounded (fixed) history. Small on purpose: until a ring is full it
 * grows with every request exactly like the leak, and an audit on a busy machine serves only a few
 * hundred requests (about 750 seen with both cores loaded); 100 records (~100 kB) fill up early
 * and stay below the audit's leak floor (src/audit/steps/leak-check.ts) even before that.
 */
export const REQUEST_LOG_CAPACITY = 100;

/** How much of each JSON response the history keeps (characters). */
export const RESPONSE_PREVIEW_CHARS = 1024;

/** Headers never copied into the history (secrets). */
const SECRET_HEADERS = new Set(['authorization', 'cookie', 'set-cookie', 'proxy-authorization']);

/** One remembered request (about one to two kilobytes on the heap). */
export interface RequestRecord {
  id: number;
  method: string;
  url: string;
  status: number;
  durationMs: number;
  at: string;
  remoteAddress: string;
  headers: Record<string, string>;
  /** The start of the JSON answered (absent for private replies such as a login's token). */
  response?: string;
}

/** Remembers recent requests for debugging. */
export interface RequestLog {
  /** Records a finished request. */
  remember(req: IncomingMessage, status: number, durationMs: number, response?: string): void;
  /** How many records are held right now. */
  readonly size: number;
  /** The newest `count` records, newest first. */
  newest(count: number): RequestRecord[];
}

/** Options of {@link createRequestLog}. */
export interface RequestLogOptions {
  /** true: the planted leak (every request kept forever); false: a ring of `capacity`. */
  leak: boolean;
  capacity?: number;
}

/** Creates the request history. */
export function createRequestLog(options: RequestLogOptions): RequestLog {
  return new RequestHistory(options.leak, options.capacity ?? REQUEST_LOG_CAPACITY);
}

class RequestHistory implements RequestLog {
  #leak: boolean;
  #all: RequestRecord[] = [];
  #ring: RingBuffer<RequestRecord>;
  #nextId = 1;

  constructor(leak: boolean, capacity: number) {
    this.#leak = leak;
    this.#ring = new RingBuffer(capacity);
  }

  get size(): number {
    return this.#leak ? this.#all.length : this.#ring.size;
  }

  remember(req: IncomingMessage, status: number, durationMs: number, response?: string): void {
    const record = createRecord(this.#nextId++, req, status, durationMs, response);
    if (this.#leak) {
      // redline-demo: bottleneck memory-leak
      this.#all.push(record);
    } else {
      this.#ring.push(record);
    }
  }

  newest(count: number): RequestRecord[] {
    if (!this.#leak) return this.#ring.newest(count);
    return this.#all.slice(-count).reverse();
  }
}

function createRecord(
  id: number,
  req: IncomingMessage,
  status: number,
  durationMs: number,
  response: string | undefined,
): RequestRecord {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || SECRET_HEADERS.has(name)) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return {
    id,
    method: req.method ?? '',
    url: req.url ?? '',
    status,
    durationMs: Math.round(durationMs * 1000) / 1000,
    at: new Date().toISOString(),
    remoteAddress: req.socket.remoteAddress ?? '',
    headers,
    // A copy, not a slice: a V8 sliced string would keep the whole response body alive.
    ...(response !== undefined ? { response: copyPreview(response) } : {}),
  };
}

function copyPreview(response: string): string {
  return Buffer.from(response.slice(0, RESPONSE_PREVIEW_CHARS), 'utf8').toString('utf8');
}
