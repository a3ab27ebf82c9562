/**
 * Parsers for CLI flag values (durations, counts, rates, headers) that turn bad input into a usage
 * error naming the flag, and the shared load flags of `redline run` and `redline profile`.
 */

import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { type Command, Option } from 'commander';
import type { QuickRunOptions } from '../engine/index.js';
import { ExitCode } from '../errors/exit-codes.js';
import { RedlineError } from '../errors/redline-error.js';
import { parseHeaderFlag } from '../http/target.js';
import { parseDurationMs } from '../util/duration.js';

function usage(flag: string, value: string, expected: string): RedlineError {
  return new RedlineError('E_USAGE_VALUE', `invalid value for ${flag}: "${value}"`, {
    hint: `use ${expected}`,
    exitCode: ExitCode.Usage,
  });
}

/**
 * Parses a duration flag (`30s`, `2m`, `1h30m`; a bare number means seconds, as in wrk/autocannon).
 * Zero is refused unless `allowZero` (a flag where 0 turns something off, like `--warmup 0`).
 */
export function durationFlag(flag: string, allowZero = false): (value: string) => number {
  return (value) => {
    const ms = parseDurationMs(value, 's');
    if (ms === undefined || ms < 0 || (ms === 0 && !allowZero))
      throw usage(
        flag,
        value,
        `a duration like 30s, 2m or 1h30m${allowZero ? ' (0 for none)' : ''}`,
      );
    return ms;
  };
}

/** Parses a positive integer flag. */
export function intFlag(flag: string, min = 1): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw usage(flag, value, `a whole number ≥ ${min}`);
    return n;
  };
}

/** Parses a rate: `500`, `500/s`, `30000/m`, `1/100ms` (requests per time unit) -> per second. */
export function parseRate(value: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(?:\/\s*(\d*\.?\d*\s*(?:ms|s|m|h)))?\s*$/.exec(value);
  if (!match) throw usage('--rate', value, 'requests per second, e.g. 500 or 500/s or 30000/m');
  const count = Number(match[1]);
  const unit = match[2] ? parseDurationMs(/^\d/.test(match[2]) ? match[2] : `1${match[2]}`) : 1000;
  if (!unit || !(count > 0)) throw usage('--rate', value, 'a positive rate, e.g. 500/s');
  return (count * 1000) / unit;
}

/** Parses `--workers n|auto` (auto = one per core, leaving one for the target when possible). */
export function parseWorkers(value: string): number {
  if (value === 'auto') return Math.max(1, availableParallelism() - 1);
  return intFlag('--workers')(value);
}

function collect<T>(parse: (v: string) => T): (value: string, previous: T[] | undefined) => T[] {
  return (value, previous) => [...(previous ?? []), parse(value)];
}

/** Adds the load flags shared by `run` and `profile`. */
export function addLoadFlags(command: Command): Command {
  return command
    .option(
      '-c, --connections <n>',
      'concurrent connections (closed model) or pool size with --rate',
      intFlag('--connections'),
    )
    .option(
      '-d, --duration <duration>',
      'how long to run, e.g. 30s, 2m (default 10s)',
      durationFlag('--duration'),
    )
    .option('-n, --requests <n>', 'stop after this many requests', intFlag('--requests'))
    .option('--rate <rate>', 'open model: constant arrival rate, e.g. 500 or 500/s', parseRate)
    .option('-m, --method <method>', 'HTTP method', 'GET')
    .option(
      '-H, --header <header>',
      'request header "Name: value" (repeatable)',
      collect(parseHeaderFlag),
    )
    .addOption(new Option('-b, --body <text>', 'request body').conflicts('bodyFile'))
    .option('--body-file <path>', 'read the request body from a file')
    .option('--timeout <duration>', 'per-request timeout (default 10s)', durationFlag('--timeout'))
    .option(
      '-p, --pipelining <n>',
      'requests in flight per connection (default 1)',
      intFlag('--pipelining'),
    )
    .option('--workers <n|auto>', 'worker threads generating load (default 1)', parseWorkers)
    .option(
      '--warmup <duration>',
      'load before measuring; excluded from results (0 for none)',
      durationFlag('--warmup', true),
    )
    .option('--insecure', 'skip TLS certificate verification')
    .option(
      '--http2',
      'HTTP/2 over TLS (https:// URL, ALPN h2); fails if the server does not offer h2',
    )
    .option('--h2c', 'HTTP/2 over cleartext TCP with prior knowledge (http:// URL)')
    .option(
      '--streams <n>',
      'with --http2/--h2c: concurrent streams per connection (default 1, as h2load -m)',
      intFlag('--streams'),
    )
    .option(
      '--max-queue <duration>',
      'with --rate: longest wait for a free connection before a request is dropped (default 1s)',
      durationFlag('--max-queue'),
    )
    .option(
      '--redact-param <name>',
      'also redact the value of this query parameter (or tag, header, field) in every output, on top of token, password, api_key, ... (repeatable)',
      collect(String),
    );
}

/** The parsed values of {@link addLoadFlags}. */
export interface LoadFlagValues {
  connections?: number;
  duration?: number;
  requests?: number;
  rate?: number;
  method: string;
  header?: Array<[string, string]>;
  body?: string;
  bodyFile?: string;
  timeout?: number;
  pipelining?: number;
  workers?: number;
  warmup?: number;
  insecure?: boolean;
  http2?: boolean;
  h2c?: boolean;
  streams?: number;
  maxQueue?: number;
  /** `--redact-param` names (applied by the program's preAction hook, see cli/main.ts). */
  redactParam?: string[];
}

/** Turns parsed load flags into quick-run options for `url`. */
export function quickOptionsFromFlags(url: string, flags: LoadFlagValues): QuickRunOptions {
  let body: string | Buffer | undefined = flags.body;
  if (flags.bodyFile !== undefined) {
    try {
      body = readFileSync(flags.bodyFile);
    } catch (error) {
      throw new RedlineError('E_INPUT_BODY_FILE', `cannot read --body-file ${flags.bodyFile}`, {
        exitCode: ExitCode.NoInput,
        cause: error,
      });
    }
  }
  const options: QuickRunOptions = { url, method: flags.method };
  if (flags.connections !== undefined) options.connections = flags.connections;
  if (flags.duration !== undefined) options.durationMs = flags.duration;
  if (flags.requests !== undefined) options.requests = flags.requests;
  if (flags.rate !== undefined) options.rate = flags.rate;
  if (flags.header) options.headers = flags.header;
  if (body !== undefined) options.body = body;
  if (flags.timeout !== undefined) options.timeoutMs = flags.timeout;
  if (flags.pipelining !== undefined) options.pipelining = flags.pipelining;
  if (flags.workers !== undefined) options.workers = flags.workers;
  if (flags.warmup !== undefined) options.warmupMs = flags.warmup;
  if (flags.insecure) options.insecure = true;
  if (flags.http2) options.http2 = true;
  if (flags.h2c) options.h2c = true;
  if (flags.streams !== undefined) options.streams = flags.streams;
  if (flags.maxQueue !== undefined) options.maxQueueMs = flags.maxQueue;
  return options;
}
