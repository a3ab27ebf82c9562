/**
 * The live progress line: elapsed time, req/s, p99, errors and VUs (for runs without HTTP: gRPC
 * calls/s and WebSocket messages/s), redrawn in place on a TTY, and printed as plain periodic
 * lines otherwise (CI logs).
 */
import { trendStat } from '../../metrics/aggregate.js';
import type { IntervalUpdate, RunEnd, RunMeta } from '../../results/run-meta.js';
import { formatDuration, formatLatency } from '../../util/duration.js';
import { formatCount } from '../../util/units.js';
import type { Output } from '../output.js';

/** Where progress goes: a stream with an optional TTY flag (process.stderr by default). */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** Prints one progress line per interval (TTY) or every `plainEverySeconds` (non-TTY). */
export class ProgressOutput implements Output {
  readonly description = 'progress';
  readonly #stream: ProgressStream;
  readonly #plainEvery: number;
  #maxMs = 0;
  #drawn = false;

  constructor(stream: ProgressStream = process.stderr, plainEverySeconds = 5) {
    this.#stream = stream;
    this.#plainEvery = plainEverySeconds;
  }

  start(meta: RunMeta): void {
    this.#maxMs = meta.maxDurationMs ?? 0;
  }

  onInterval(update: IntervalUpdate): void {
    const tty = this.#stream.isTTY === true;
    if (!tty && (update.interval + 1) % this.#plainEvery !== 0) return;
    const line = this.#line(update);
    if (tty) {
      this.#stream.write(`\r\u001b[2K${line}`);
      this.#drawn = true;
    } else {
      this.#stream.write(`${line}\n`);
    }
  }

  stop(_end: RunEnd): void {
    if (this.#drawn) this.#stream.write('\r\u001b[2K');
  }

  /**
   * Runs without HTTP requests that speak WebSocket or gRPC: their own rates (messages received,
   * calls), so the line never shows iterations as "req/s". Undefined when neither was used.
   */
  #protocols(update: IntervalUpdate, seconds: number): string | undefined {
    const parts: string[] = [];
    const calls = update.delta.summarize('grpc_req_duration');
    const allCalls = update.totals.summarize('grpc_req_duration');
    if (allCalls) {
      const count = calls ? (trendStat(calls, 'count') ?? 0) : 0;
      const p99 = calls ? (trendStat(calls, 'p(99)') ?? 0) : 0;
      parts.push(`${formatCount(count / seconds)} gRPC calls/s  p99=${formatLatency(p99)}`);
    }
    const sessions = update.totals.summarize('ws_sessions');
    if (sessions) {
      const received = update.delta.summarize('ws_msgs_received')?.sum ?? 0;
      parts.push(
        `${formatCount(received / seconds)} ws msgs/s  ${formatCount(sessions.sum)} ws sessions`,
      );
    }
    return parts.length > 0 ? parts.join('  ') : undefined;
  }

  #line(update: IntervalUpdate): string {
    const seconds = Math.max(0.001, (update.endMs - update.startMs) / 1000);
    const reqs = update.delta.summarize('http_reqs')?.sum ?? 0;
    const iterations = update.delta.summarize('iterations')?.sum ?? 0;
    const duration = update.delta.summarize('http_req_duration');
    const p99 = duration ? (trendStat(duration, 'p(99)') ?? 0) : 0;
    const failed = update.totals.summarize('http_req_failed');
    const errors = failed?.sum ?? 0;
    const vus = update.totals.summarize('vus')?.sum ?? 0;
    const total = update.totals.summarize('http_reqs')?.sum ?? 0;
    const elapsed = formatDuration(Math.round(update.endMs / 100) * 100);
    const of = this.#maxMs > 0 ? `/${formatDuration(this.#maxMs)}` : '';
    const protocols = reqs > 0 ? undefined : this.#protocols(update, seconds);
    if (protocols !== undefined) return `running ${elapsed}${of}  ${protocols}  ${vus} VUs`;
    const rate = reqs > 0 ? reqs / seconds : iterations / seconds;
    return `running ${elapsed}${of}  ${formatCount(rate)} req/s  p99=${formatLatency(p99)}  ${formatCount(total)} requests  ${formatCount(errors)} errors  ${vus} VUs`;
  }
}
