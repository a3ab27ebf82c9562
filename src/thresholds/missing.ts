/**
 * What to do with a threshold whose metric has no samples at the end of a run. Redline's rule,
 * documented in docs/thresholds.md:
 * - the metric is neither built-in, declared nor seen: FAILED (a typo), with the nearest name;
 * - the metric has no samples and the run sent HTTP requests of which the target answered none
 *   (hung, garbage, every connection reset): FAILED (`no-answer`): "no data" there means the
 *   system under test did nothing, which must never pass;
 * - otherwise (a known metric without samples, or a sub-metric whose tag filter matched no
 *   sample): judged as k6 judges an empty metric at the end of a run (its final evaluation
 *   reads the empty sink): a counter's count and rate are 0, a gauge's value is 0, every trend
 *   statistic is 0, and a rate has no value, so its threshold passes. A warning says so, and
 *   for a sub-metric whose metric has samples it lists the tag values seen (a typo in a tag
 *   value reads `p(95)=0` and passes in k6 too).
 */

import type { Aggregate } from '../metrics/aggregate.js';
import { BUILTIN_METRICS } from '../metrics/builtin.js';
import type { MetricType } from '../metrics/metric-types.js';
import { requestAccounting } from '../metrics/request-accounting.js';
import { findNearest, nearestHint } from '../util/nearest.js';
import { compare, hasSamples } from './observe.js';
import { formatAggregation } from './parse-expression.js';
import type { ThresholdDefinition } from './types.js';

/** Verdict for a threshold without samples. */
export interface MissingVerdict {
  status: 'unknown-metric' | 'no-match' | 'no-answer' | 'no-data';
  failed: boolean;
  warning: string;
  /** The value judged (k6's value of an empty metric); absent when nothing was judged. */
  observed?: number;
}

/**
 * The value k6's final threshold run reads from an empty sink for this aggregation: 0 for a
 * counter (count, rate), a gauge and every trend statistic; none for a rate (k6 skips it, the
 * threshold passes) or an unknown type.
 */
export function emptyMetricValue(type: MetricType | undefined): number | undefined {
  if (type === undefined || type === 'rate') return undefined;
  return 0;
}

/** Judges a threshold on an empty metric as k6 does (see {@link emptyMetricValue}). */
function judgeEmpty(
  definition: ThresholdDefinition,
  type: MetricType | undefined,
): { failed: boolean; text: string; observed?: number } {
  const value = emptyMetricValue(type);
  const aggregation = formatAggregation(definition.expression.aggregation);
  if (value === undefined)
    return {
      failed: false,
      text: `a ${type ?? 'metric'} without samples has no ${aggregation} (passes, as in k6)`,
    };
  const ok = compare(value, definition.expression.operator, definition.expression.value);
  return {
    failed: !ok,
    observed: value,
    text: `judged as k6 judges an empty metric: ${aggregation}=0, ${ok ? 'passed' : 'failed'}`,
  };
}

/** Explains a threshold whose metric key matched no samples in `totals`. */
export function diagnoseMissing(
  definition: ThresholdDefinition,
  totals: Aggregate,
  declared: ReadonlySet<string>,
): MissingVerdict {
  const { name, tags } = definition.metric;
  const where = `threshold "${definition.source}" on ${definition.metricKey}`;
  const parent = totals.summarize(name);
  const known = declared.has(name) || totals.descriptors.has(name) || parent !== undefined;
  if (!known) {
    const names = totals.metricNames();
    const nearest = findNearest(name, [...names, ...declared]);
    return {
      status: 'unknown-metric',
      failed: true,
      warning:
        `${where}: metric "${name}" does not exist in this run${nearestHint(nearest)}` +
        ` (metrics seen: ${names.length > 0 ? names.join(', ') : 'none'}); counted as failed`,
    };
  }
  const requests = requestAccounting(totals);
  const type =
    parent?.type ??
    totals.descriptors.get(name)?.type ??
    definition.knownType ??
    (BUILTIN_METRICS as Readonly<Record<string, { type: MetricType }>>)[name]?.type;
  if (tags && hasSamples(parent)) {
    const judged = judgeEmpty(definition, type);
    return {
      status: 'no-match',
      failed: judged.failed,
      warning: `${where}: ${name} has samples but none with ${describeFilter(tags)}; ${describeSeen(name, tags, totals)}; ${judged.text}`,
      ...(judged.observed !== undefined ? { observed: judged.observed } : {}),
    };
  }
  if (requests.sent > 0 && requests.answered === 0) {
    return {
      status: 'no-answer',
      failed: true,
      warning: `${where}: ${name} has no samples because the target answered none of the ${requests.sent} HTTP requests sent; counted as failed`,
    };
  }
  const judged = judgeEmpty(definition, type);
  return {
    status: 'no-data',
    failed: judged.failed,
    warning: `${where}: ${name} has no samples in this run; ${judged.text}`,
    ...(judged.observed !== undefined ? { observed: judged.observed } : {}),
  };
}

function describeFilter(tags: Readonly<Record<string, string>>): string {
  return Object.entries(tags)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}

/** For each tag key of the filter, the values that exist on the metric's series. */
function describeSeen(
  name: string,
  tags: Readonly<Record<string, string>>,
  totals: Aggregate,
): string {
  const parts: string[] = [];
  for (const [key, wanted] of Object.entries(tags)) {
    const values = new Set<string>();
    for (const s of totals.series.values()) {
      const v = s.metric === name ? s.tags[key] : undefined;
      if (v !== undefined) values.add(v);
    }
    if (values.size === 0) {
      parts.push(`no series of ${name} has the tag "${key}"`);
      continue;
    }
    const nearest = findNearest(wanted, values);
    const list = [...values].slice(0, 10).join(', ') + (values.size > 10 ? ', …' : '');
    parts.push(
      `${key} values seen: ${list}${nearest && nearest !== wanted ? ` (did you mean "${nearest}"?)` : ''}`,
    );
  }
  return parts.join('; ');
}
