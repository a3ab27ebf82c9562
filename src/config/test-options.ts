/**
 * Test-wide options (everything but scenarios and thresholds): unknown names with the nearest valid
 * one, ignored options as warnings, rejected options as problems, and typed values with defaults.
 */

import {
  createExecutionTuple,
  ExecutionSegmentError,
  parseExecutionSegment,
  parseExecutionSegmentSequence,
} from '../executors/execution-segment.js';
import { DEFAULT_USER_AGENT } from '../http/target.js';
import { type InputFields, type InputProblems, InputReader } from '../util/input-reader.js';
import { findNearest } from '../util/nearest.js';
import { ACTIVE_OPTION_NAMES, isNoopValue, OPTION_NAMES, OPTION_TABLE } from './option-names.js';
import { createPathOf } from './option-paths.js';
import type { PlanOptions } from './plan.js';
import type { MergedOptions } from './tiers.js';
import { readTlsOptions } from './tls-options.js';

/** Default `summaryTrendStats`: k6's plus p(99). */
export const DEFAULT_SUMMARY_TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'];

const TREND_STAT = /^(avg|min|med|max|count|sum|p\((\d+(\.\d+)?)\))$/;
const TIME_UNITS = ['ms', 's', 'us'] as const;

/** Options read elsewhere (execution, thresholds, hosts): not copied into `extra`. */
const HANDLED_ELSEWHERE = new Set([
  'vus',
  'duration',
  'iterations',
  'stages',
  'scenarios',
  'thresholds',
  'hosts',
]);

/**
 * Reports unknown, ignored and rejected options by name (all of them, in one pass). An unknown
 * name close to an option Redline acts on is a typo that would change the test (`durration`):
 * an error with the nearest name. Any other unknown name is ignored with a warning, as k6 does
 * ("There were unknown fields in the options exported in the script").
 */
export function checkOptionNames(merged: MergedOptions, problems: InputProblems): void {
  for (const [name, value] of Object.entries(merged.values)) {
    const path = merged.paths[name] ?? ['options', name];
    const info = OPTION_TABLE[name];
    if (!info) {
      if (findNearest(name, ACTIVE_OPTION_NAMES) !== undefined)
        problems.unknownName(path, 'option', name, OPTION_NAMES);
      else
        problems.warn(
          path,
          `ignored: unknown option "${name}" (k6 ignores unknown options with a warning too)`,
          { atKey: true },
        );
      continue;
    }
    if (isNoopValue(value)) continue;
    if (info.support === 'ignored') problems.warn(path, `ignored: ${info.reason}`, { atKey: true });
    if (info.support === 'rejected') problems.add(path, `not supported by Redline: ${info.reason}`);
  }
}

/** Reads the typed test-wide options with their defaults (k6's, or Redline's where k6 has none). */
export function readTestOptions(merged: MergedOptions, problems: InputProblems): PlanOptions {
  const r = new InputReader(problems).fields(
    merged.values,
    createPathOf(['options'], merged.paths),
  );
  const options: PlanOptions = {
    tags: r.stringMap('tags'),
    summaryTrendStats: readTrendStats(r),
    setupTimeoutMs: positiveDuration(r, 'setupTimeout', 60_000),
    teardownTimeoutMs: positiveDuration(r, 'teardownTimeout', 60_000),
    discardResponseBodies: r.bool('discardResponseBodies', false),
    noConnectionReuse: r.bool('noConnectionReuse', false),
    userAgent: r.string('userAgent', DEFAULT_USER_AGENT) ?? DEFAULT_USER_AGENT,
    insecureSkipTLSVerify: r.bool('insecureSkipTLSVerify', false),
    hosts: {},
    batch: positiveInt(r, 'batch', 20),
    batchPerHost: r.int('batchPerHost', 6) ?? 6,
    maxRedirects: r.int('maxRedirects', 10) ?? 10,
    failOnCheck: r.bool('failOnCheck', false),
    httpTimeoutMs: positiveDuration(r, 'httpTimeout', 60_000),
    redactParams: r.stringList('redactParams') ?? [],
    extra: {},
    noSetup: r.bool('noSetup', false),
    noTeardown: r.bool('noTeardown', false),
    handleSummaryTimeoutMs: positiveDuration(r, 'handleSummaryTimeout', 120_000),
  };
  const unit = r.string('summaryTimeUnit');
  if (unit !== undefined && unit !== '') {
    if ((TIME_UNITS as readonly string[]).includes(unit))
      options.summaryTimeUnit = unit as (typeof TIME_UNITS)[number];
    else
      problems.add(
        r.pathOf('summaryTimeUnit'),
        `must be one of ${TIME_UNITS.join(', ')}, got "${unit}"`,
      );
  }
  readSegment(r, options);
  const tls = readTlsOptions(merged.values, (key) => r.pathOf(key), problems);
  if (tls) options.tls = tls;
  options.extra['noCookiesReset'] = r.bool('noCookiesReset', false);
  for (const [name, value] of Object.entries(merged.values)) {
    const support = OPTION_TABLE[name]?.support;
    if ((support === 'ignored' || support === 'rejected') && !HANDLED_ELSEWHERE.has(name))
      options.extra[name] = value;
  }
  return options;
}

/** `executionSegment` and `executionSegmentSequence`: kept as text once they make a valid tuple. */
function readSegment(r: InputFields, options: PlanOptions): void {
  const segment = r.string('executionSegment');
  const sequence = r.string('executionSegmentSequence');
  if ((segment ?? '') === '' && (sequence ?? '') === '') return;
  // Report each text's own syntax error at its own path; then whether the segment is in the sequence.
  const attempts: Array<[string, () => unknown]> = [
    ['executionSegment', () => parseExecutionSegment(segment ?? '')],
    ['executionSegmentSequence', () => sequence && parseExecutionSegmentSequence(sequence)],
    ['executionSegment', () => createExecutionTuple(segment, sequence)],
  ];
  for (const [key, attempt] of attempts) {
    try {
      attempt();
    } catch (error) {
      if (!(error instanceof ExecutionSegmentError)) throw error;
      r.reader.add(r.pathOf(key), `${error.message}; k6 syntax: 1/4:2/4 in 0,1/4,2/4,3/4,1`);
      return;
    }
  }
  if (segment !== undefined && segment !== '') options.executionSegment = segment;
  if (sequence !== undefined && sequence !== '') options.executionSegmentSequence = sequence;
}

function readTrendStats(r: InputFields): string[] {
  const stats = r.stringList('summaryTrendStats');
  if (stats === undefined) return [...DEFAULT_SUMMARY_TREND_STATS];
  const path = r.pathOf('summaryTrendStats');
  for (const stat of stats) {
    const match = TREND_STAT.exec(stat);
    if (!match) {
      r.reader.add(
        path,
        `"${stat}" is not a trend statistic (avg, min, med, max, count, sum or p(N))`,
      );
    } else if (match[2] !== undefined && Number(match[2]) > 100) {
      r.reader.add(path, `"${stat}": a percentile must be between 0 and 100`);
    }
  }
  return stats;
}

function positiveDuration(r: InputFields, key: string, fallback: number): number {
  const ms = r.duration(key, fallback);
  if (ms === undefined) return fallback;
  if (ms <= 0) r.reader.add(r.pathOf(key), 'must be more than 0');
  return ms;
}

function positiveInt(r: InputFields, key: string, fallback: number): number {
  const value = r.int(key, fallback);
  if (value === undefined) return fallback;
  if (value <= 0) r.reader.add(r.pathOf(key), 'must be more than 0');
  return value;
}
