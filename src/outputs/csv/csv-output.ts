/**
 * `--out csv=<file>` (gzip when the name ends in `.gz`): one row per series per interval, with
 * k6's tag columns. Redline aggregates at the source, so a row holds the interval's statistics
 * of a series rather than one request (k6 writes one row per sample).
 */
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { createGzip, type Gzip } from 'node:zlib';
import { ExitCode } from '../../errors/exit-codes.js';
import { cannotWriteError, RedlineError } from '../../errors/redline-error.js';
import { type MetricSummary, type SeriesState, trendStat } from '../../metrics/aggregate.js';
import type { IntervalUpdate, RunEnd, RunMeta } from '../../results/run-meta.js';
import type { Output } from '../output.js';

/** Tag columns, in this order (k6's CSV columns plus Redline's `error_class`); other tags go to `extra_tags`. */
export const CSV_TAG_COLUMNS = [
  'check',
  'error',
  'error_code',
  'error_class',
  'expected_response',
  'group',
  'method',
  'name',
  'proto',
  'scenario',
  'service',
  'status',
  'subproto',
  'tls_version',
  'url',
] as const;

const STAT_COLUMNS = ['min', 'max', 'avg', 'med', 'p(90)', 'p(95)', 'p(99)'] as const;

/** The header row. */
export const CSV_HEADER = [
  'timestamp',
  'metric_name',
  'metric_type',
  'value',
  'count',
  'sum',
  ...STAT_COLUMNS,
  ...CSV_TAG_COLUMNS,
  'extra_tags',
];

const KNOWN_TAGS = new Set<string>(CSV_TAG_COLUMNS);

/** RFC 4180 quoting: a field with a comma, quote or line break is quoted, quotes doubled. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function num(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value)
    ? ''
    : String(Number(value.toPrecision(12)));
}

/**
 * The row of one series for one interval. `value`: counter = the interval's sum, gauge = its
 * value, rate = the interval's share of non-zero values, trend = the interval's average.
 * Trend statistics are in the metric's unit (milliseconds for time trends, as k6 writes them).
 */
export function csvRow(timestampS: number, s: SeriesState): string {
  const cells: string[] = [String(timestampS), s.metric, s.type];
  switch (s.type) {
    case 'counter':
      cells.push(num(s.sum), '', num(s.sum), ...STAT_COLUMNS.map(() => ''));
      break;
    case 'gauge':
      cells.push(
        num(s.sum),
        '',
        '',
        num(s.min),
        num(s.max),
        ...STAT_COLUMNS.slice(2).map(() => ''),
      );
      break;
    case 'rate':
      cells.push(
        num(s.count > 0 ? s.sum / s.count : 0),
        num(s.count),
        num(s.sum),
        ...STAT_COLUMNS.map(() => ''),
      );
      break;
    case 'trend': {
      const summary: MetricSummary = {
        name: s.metric,
        type: 'trend',
        contains: 'default',
        sum: s.sum,
        count: s.count,
        min: s.min,
        max: s.max,
      };
      if (s.histogram) summary.histogram = s.histogram;
      cells.push(
        num(trendStat(summary, 'avg')),
        num(s.count),
        num(s.sum),
        ...STAT_COLUMNS.map((stat) => num(trendStat(summary, stat))),
      );
      break;
    }
  }
  const extra: string[] = [];
  for (const [k, v] of Object.entries(s.tags))
    if (!KNOWN_TAGS.has(k)) extra.push(`${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  for (const tag of CSV_TAG_COLUMNS) cells.push(s.tags[tag] ?? '');
  cells.push(extra.join('&'));
  return cells.map(csvField).join(',');
}

/** Writes the CSV rows of each interval as it ends. */
export class CsvOutput implements Output {
  readonly description: string;
  readonly #path: string;
  #file: WriteStream | null = null;
  #sink: WriteStream | Gzip | null = null;
  #error: Error | null = null;
  #startedAtMs = 0;

  constructor(path: string) {
    this.#path = path;
    this.description = `csv (${path})`;
  }

  async start(meta: RunMeta): Promise<void> {
    this.#startedAtMs = meta.startedAtMs;
    const file = createWriteStream(this.#path, { flags: 'w' });
    file.on('error', (error) => {
      this.#error = error;
    });
    await Promise.race([once(file, 'open'), once(file, 'error')]).catch(() => undefined);
    if (this.#error) throw cannotWriteError(this.#path, this.#error);
    this.#file = file;
    if (this.#path.endsWith('.gz')) {
      const gzip = createGzip();
      gzip.pipe(file);
      this.#sink = gzip;
    } else this.#sink = file;
    this.#sink.write(`${CSV_HEADER.join(',')}\n`);
  }

  onInterval(update: IntervalUpdate): void {
    if (!this.#sink) return;
    const t = Math.round((this.#startedAtMs + update.endMs) / 1000);
    let text = '';
    for (const s of update.delta.series.values()) text += `${csvRow(t, s)}\n`;
    if (text) this.#sink.write(text);
  }

  async stop(_end: RunEnd): Promise<void> {
    const sink = this.#sink;
    if (!sink) return;
    this.#sink = null;
    await new Promise<void>((done) => {
      this.#file!.once('close', done);
      sink.end();
    });
    if (this.#error) throw cannotWriteError(this.#path, this.#error);
  }
}

/** Factory for the output registry (`csv=<file>`). */
export function createCsvOutput(argument: string, context: { cwd: string }): Output {
  if (!argument) {
    throw new RedlineError('E_USAGE_OUTPUT', 'the csv output needs a file: --out csv=results.csv', {
      exitCode: ExitCode.Usage,
    });
  }
  return new CsvOutput(resolve(context.cwd, argument));
}
