/**
 * RequestFailureLog: warns during the run about requests that failed without an HTTP response
 * (refused, reset, timeout, TLS, ...), as k6 logs `Request Failed`, but rate-limited per error
 * class: the first failure of a class is printed with its request and reason, then at most one
 * line per class every `everyMs` says how many more failed (all are counted in the summary).
 * It reads the merged interval deltas (the `error_class` tag of `http_reqs`), so it works the
 * same for quick mode and scripts, with one shard or many; URL secrets are already redacted in
 * the tags (where series are born).
 */
import type { ErrorClass } from '../http/errors.js';
import type { Output } from '../outputs/output.js';
import type { IntervalUpdate, RunEnd } from '../results/run-meta.js';
import { formatDuration } from '../util/duration.js';

/** Default: at most one line per error class every 10 s of run time. */
export const FAILURE_LOG_EVERY_MS = 10_000;

interface ClassState {
  /** Failures not printed yet. */
  pending: number;
  /** Run time (ms) of the last line printed for this class. */
  lastLineMs: number;
}

/** Rate-limited per-class warnings about failed requests (see the file comment). */
export class RequestFailureLog implements Output {
  readonly description = 'request failure warnings';
  readonly #write: (text: string) => void;
  readonly #everyMs: number;
  readonly #classes = new Map<ErrorClass | string, ClassState>();

  /** `write` receives each warning's text (without the `redline: warning:` prefix). */
  constructor(write: (text: string) => void, everyMs = FAILURE_LOG_EVERY_MS) {
    this.#write = write;
    this.#everyMs = everyMs;
  }

  onInterval(update: IntervalUpdate): void {
    for (const s of update.delta.series.values()) {
      if (s.metric !== 'http_reqs' || s.sum === 0) continue;
      const errorClass = s.tags['error_class'];
      if (errorClass === undefined) continue;
      const state = this.#classes.get(errorClass);
      if (state) {
        state.pending += s.sum;
        continue;
      }
      const request = [s.tags['method'], s.tags['name'] ?? s.tags['url']].filter(Boolean).join(' ');
      const reason = s.tags['error'] ?? 'failed';
      this.#write(
        `request failed (${errorClass}) at ${at(update.endMs)}: ${request}: ${reason}` +
          (s.tags['error_code'] ? ` (k6 error code ${s.tags['error_code']})` : ''),
      );
      this.#classes.set(errorClass, { pending: s.sum - 1, lastLineMs: update.endMs });
    }
    for (const [errorClass, state] of this.#classes) {
      if (state.pending > 0 && update.endMs - state.lastLineMs >= this.#everyMs)
        this.#flush(errorClass, state, update.endMs);
    }
  }

  stop(end: RunEnd): void {
    for (const [errorClass, state] of this.#classes) {
      if (state.pending > 0)
        this.#flush(errorClass, state, Math.max(end.durationMs, state.lastLineMs));
    }
  }

  #flush(errorClass: string, state: ClassState, nowMs: number): void {
    const n = state.pending;
    this.#write(
      `${n} more request${n === 1 ? '' : 's'} failed (${errorClass}) between ${at(state.lastLineMs)} and ${at(nowMs)}, not printed one by one (at most one line per error class every ${formatDuration(this.#everyMs)}; every failure is counted in the summary)`,
    );
    state.pending = 0;
    state.lastLineMs = nowMs;
  }
}

function at(ms: number): string {
  return formatDuration(Math.round(ms / 1000) * 1000);
}
