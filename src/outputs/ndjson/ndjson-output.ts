/**
 * `--out ndjson=<file>`: one JSON line per second (the run's time series: req/s, latency
 * percentiles, errors by class, VUs, bytes), flushed as the run goes so an interrupted run
 * keeps every completed second. The last line (`type: end`) says where every request went
 * (`requests`: sent, answered, failed, interrupted, retried).
 */

import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { ExitCode } from '../../errors/exit-codes.js';
import { cannotWriteError, RedlineError } from '../../errors/redline-error.js';
import { requestAccounting } from '../../metrics/request-accounting.js';
import type { IntervalUpdate, RunEnd, RunMeta } from '../../results/run-meta.js';
import { timelinePoint } from '../../results/timeline.js';
import type { Output } from '../output.js';

/** Writes the per-second series as NDJSON. The first line describes the run. */
export class NdjsonOutput implements Output {
  readonly description: string;
  readonly #path: string;
  #stream: WriteStream | null = null;
  #error: Error | null = null;

  constructor(path: string) {
    this.#path = path;
    this.description = `ndjson (${path})`;
  }

  async start(meta: RunMeta): Promise<void> {
    const stream = createWriteStream(this.#path, { flags: 'w' });
    stream.on('error', (error) => {
      this.#error = error;
    });
    await Promise.race([once(stream, 'open'), once(stream, 'error')]).catch(() => undefined);
    if (this.#error) throw cannotWriteError(this.#path, this.#error);
    this.#stream = stream;
    stream.write(
      `${JSON.stringify({ type: 'run', runId: meta.runId, target: meta.target, startedAt: new Date(meta.startedAtMs).toISOString() })}\n`,
    );
  }

  onInterval(update: IntervalUpdate): void {
    const point = timelinePoint(update.delta, update.totals, update.startMs, update.endMs);
    this.#stream?.write(
      `${JSON.stringify({ type: 'interval', interval: update.interval, ...point })}\n`,
    );
  }

  async stop(end: RunEnd): Promise<void> {
    const stream = this.#stream;
    if (!stream) return;
    const requests = requestAccounting(end.totals);
    stream.write(
      `${JSON.stringify({ type: 'end', reason: end.reason, durationMs: end.durationMs, requests })}\n`,
    );
    await new Promise<void>((done) => stream.end(done));
    if (this.#error) throw cannotWriteError(this.#path, this.#error);
  }
}

/** Factory for the output registry (`ndjson=<file>`). */
export function createNdjsonOutput(argument: string, context: { cwd: string }): Output {
  if (!argument) {
    throw new RedlineError(
      'E_USAGE_OUTPUT',
      'the ndjson output needs a file: --out ndjson=results.ndjson',
      { exitCode: ExitCode.Usage },
    );
  }
  return new NdjsonOutput(resolve(context.cwd, argument));
}
