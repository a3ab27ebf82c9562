/**
 * What to do with a threshold whose metric has no samples at the end of a run (k6 passes such
 * thresholds silently, k6#1526). Redline's rule, documented in docs/thresholds.md:
 * - the metric is neither built-in, declared nor seen: FAILED (a typo), with the nearest name;
 * - a sub-metric whose parent metric has samples but none match the tag filter: FAILED (likely a
 *   typo in a tag value), listing the values that exist for those tags;
 * - the metric has no samples and the run sent HTTP requests of which the target answered none
 *   (hung, garbage, every connection reset): FAILED (`no-answer`): "no data" there means the
 *   system under test did nothing, which must never pass;
 * - the metric (or the parent of the sub-metric) is known but has no samples at all: not
 *   evaluated, counted as passed, with a warning.
 */

import type { Aggregate } from '../metrics/aggregate.js';
import { requestAccounting } from '../metrics/request-accounting.js';
import { findNearest } from '../util/nearest.js';
import { hasSamples } from './observe.js';
import type { ThresholdDefinition } from './types.js';

/** Verdict for a threshold without samples. */
export interface MissingVerdict {
  status: 'unknown-metric' | 'no-match' | 'no-answer' | 'no-data';
  failed: boolean;
  warning: string;
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
        `${where}: metric "${name}" does not exist in this run${nearest ? `; did you mean "${nearest}"?` : ''}` +
        ` (metrics seen: ${names.length > 0 ? names.join(', ') : 'none'}); counted as failed`,
    };
  }
  if (tags && hasSamples(parent)) {
    return {
      status: 'no-match',
      failed: true,
      warning: `${where}: ${name} has samples but none with ${describeFilter(tags)}; ${describeSeen(name, tags, totals)}; counted as failed`,
    };
  }
  const requests = requestAccounting(totals);
  if (requests.sent > 0 && requests.answered === 0) {
    return {
      status: 'no-answer',
      failed: true,
      warning: `${where}: ${name} has no samples because the target answered none of the ${requests.sent} HTTP requests sent; counted as failed`,
    };
  }
  return {
    status: 'no-data',
    failed: false,
    warning: `${where}: ${name} has no samples in this run; the threshold was not evaluated (counted as passed)`,
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
