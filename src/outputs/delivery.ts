/**
 * What network outputs (`prometheus-rw`, `otlp`) share about delivering at the end of a run: the
 * flush timeout that bounds it (REDLINE_OUT_FLUSH_TIMEOUT, default 3 s), the words for why a
 * batch was not delivered, and the one warning line that names the sink, its URL (redacted) and
 * what was lost.
 */
import { classifySocketError } from '../http/errors.js';
import { formatDuration } from '../util/duration.js';
import { redactText } from '../util/redact.js';
import { parseDurationOption } from './prometheus/options.js';

/** Environment variable bounding each network output's final delivery. */
export const FLUSH_TIMEOUT_ENV = 'REDLINE_OUT_FLUSH_TIMEOUT';

/**
 * Default flush timeout: enough for a live receiver (even remote) to take the last batches with
 * a retry, short enough that a dead one adds at most 3 s to a run.
 */
export const DEFAULT_FLUSH_TIMEOUT_MS = 3000;

/** The flush timeout from REDLINE_OUT_FLUSH_TIMEOUT (a duration such as `3s`), or the default. */
export function flushTimeoutFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const text = env[FLUSH_TIMEOUT_ENV];
  if (text === undefined || text.trim() === '') return DEFAULT_FLUSH_TIMEOUT_MS;
  return parseDurationOption(text, FLUSH_TIMEOUT_ENV);
}

/**
 * Why a delivery failed, in words: `connection refused`, `no answer within 10s`, `HTTP 500:
 * ...`. `timeoutMs` is the per-request timeout (for timeouts reported without a figure).
 */
export function describeDeliveryError(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; message?: string; code?: unknown; cause?: unknown };
  const causeName = (e?.cause as { name?: unknown } | undefined)?.name;
  if (
    e?.name === 'TimeoutError' ||
    causeName === 'TimeoutError' ||
    /timed? ?out/i.test(e?.message ?? '')
  )
    return `no answer within ${formatDuration(timeoutMs)}`;
  const cause = (e?.cause ?? e) as { code?: unknown; message?: unknown };
  if (typeof cause?.code === 'string') {
    const classified = classifySocketError(cause);
    if (classified.errorClass !== 'other') return classified.message;
  }
  // fetch wraps the reason: `fetch failed` caused by `bad port`, `other side closed`, ...
  const text =
    cause !== e && typeof cause?.message === 'string'
      ? `${e?.message}: ${cause.message}`
      : String(e?.message ?? error);
  return redactText(text).slice(0, 200);
}

/** What a network output could not deliver by the end of the run. */
export interface DeliveryLoss {
  /** `prometheus-rw`, `otlp`. */
  sink: string;
  /** Where it sends (redacted here). */
  url: string;
  /** Batches not delivered and batches attempted in all. */
  lost: number;
  total: number;
  /** Why (the last failure), from {@link describeDeliveryError}. */
  reason: string;
  /** True when the flush timeout cut the delivery short. */
  timedOut: boolean;
  flushTimeoutMs: number;
}

/** The end-of-run warning line (without the `redline: warning:` prefix). */
export function deliveryWarning(loss: DeliveryLoss): string {
  const cut = loss.timedOut
    ? `; gave up after the ${formatDuration(loss.flushTimeoutMs)} flush timeout (${FLUSH_TIMEOUT_ENV})`
    : '';
  return `${loss.lost} of ${loss.total} batch${loss.total === 1 ? '' : 'es'} not delivered to ${loss.sink} ${redactText(loss.url)}: ${loss.reason}${cut}; those metrics are missing there (the summary and the other outputs are complete)`;
}

/** Default sink of output warnings: one `redline: warning:` line on stderr. */
export function warnOnStderr(message: string): void {
  process.stderr.write(`redline: warning: ${message}\n`);
}
