/**
 * One measure for findings of every rule: the time a fix would save, in milliseconds per request
 * of the audit's traffic (every route's requests over the run). Each rule states its own cost as
 * a share of a different total (a statement's time, one route's request time, the profile's CPU
 * samples), so a 40 % share of a small total ranked above a 20 % share of a large one (issue 14,
 * "Rank by measured impact"). Here each figure goes back to milliseconds with what the rule
 * measured, and is divided by one count of requests:
 *
 * | source                                   | ms saved over the run                                  | per request of    |
 * | ---------------------------------------- | ------------------------------------------------------ | ----------------- |
 * | probe (N+1, pool wait, count, cache, …)  | `impact.timeMs`: the pattern's time over the run        | the probe's requests |
 * | database plan of a probe statement       | `impact.share` (of the statement) × its time over the run | the probe's requests |
 * | CPU profile (hot spot, package, GC)      | `impact.timeMs`: its CPU time in the profile            | the profile's requests |
 *
 * The time is what the pattern costs (an upper bound of what its fix saves: batching an N+1 still
 * runs one query). A rule with no such figure (a leak, the capacity, a configured statement whose
 * calls over the run are unknown) gets `perRequestUnknown` instead and ranks after the estimated
 * findings of its severity.
 */
import type { Finding, FindingImpact } from './finding.js';

/** The request counts the estimate divides by. */
export interface ImpactContext {
  /** Requests the probe saw over the run (every route): the denominator of probe and plan findings. */
  requests?: number;
  /** Requests served while the CPU profile was taken: the denominator of profile findings. */
  profileRequests?: number;
}

/** The estimate of one finding, or why there is none. */
export type PerRequestEstimate =
  | { ms: number; of: NonNullable<FindingImpact['perRequestOf']> }
  | { unknown: string };

function evidenceNumber(f: Finding, label: string): number | undefined {
  const value = f.evidence.find((e) => e.label === label)?.value;
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/**
 * A finding of the CPU profile's samples (hot spot, pattern, package, GC share, Go scheduler):
 * its share is of the profile's non-idle samples and its `timeMs` their total. Not the event
 * loop's delay (its `timeMs` is a maximum, not a total) nor the heap's byte shares.
 */
function isProfileSampleFinding(f: Finding): boolean {
  return /^(?:CPU|wall) time \(excluding idle\)$/.test(f.impact?.shareOf ?? '');
}

/** The estimate of `f` (see the file comment). */
export function estimatePerRequest(f: Finding, context: ImpactContext): PerRequestEstimate {
  const impact = f.impact;
  if (!impact) return { unknown: 'the rule states no cost' };
  if (f.id.startsWith('db.')) {
    const runMs = evidenceNumber(f, 'statement time over the run');
    if (runMs === undefined || impact.share === undefined)
      return {
        unknown:
          "the statement's time over the run is unknown (a configured statement the probe did not time)",
      };
    if (impact.share === 0 && !impact.timeMs)
      return { unknown: 'the plan was estimated, not run: no time was measured' };
    if (!context.requests) return { unknown: 'the probe counted no requests' };
    return { ms: (impact.share * runMs) / context.requests, of: 'request time' };
  }
  if (f.id.startsWith('probe.')) {
    if (impact.timeMs === undefined) return { unknown: 'the rule states no time' };
    if (!context.requests) return { unknown: 'the probe counted no requests' };
    return { ms: impact.timeMs / context.requests, of: 'request time' };
  }
  if (isProfileSampleFinding(f) && impact.timeMs !== undefined) {
    if (!context.profileRequests) return { unknown: 'no requests were counted during the profile' };
    return { ms: impact.timeMs / context.profileRequests, of: 'CPU time' };
  }
  return { unknown: 'the rule measures no time that a fix would save' };
}

/** `f` with `impact.perRequestMs` (and `perRequestOf`), or `perRequestUnknown`, set. */
export function withPerRequestImpact(f: Finding, context: ImpactContext): Finding {
  if (!f.impact) return f;
  const estimate = estimatePerRequest(f, context);
  const { perRequestMs: _ms, perRequestOf: _of, perRequestUnknown: _why, ...rest } = f.impact;
  return {
    ...f,
    impact:
      'ms' in estimate
        ? { ...rest, perRequestMs: estimate.ms, perRequestOf: estimate.of }
        : { ...rest, perRequestUnknown: estimate.unknown },
  };
}

/**
 * The per-request estimate of findings merged into one, or undefined when none has one. `sum` for
 * costs of different requests or statements (one loop on two routes, one index for two
 * statements); `max` for costs of the same statement (its plan nodes, its cache candidates: one
 * fix, the time counted once).
 */
export function mergedPerRequest(
  parts: readonly (Finding | undefined)[],
  how: 'sum' | 'max',
): Pick<FindingImpact, 'perRequestMs' | 'perRequestOf'> | undefined {
  const known = parts.filter((f): f is Finding => f?.impact?.perRequestMs !== undefined);
  if (known.length === 0) return undefined;
  const values = known.map((f) => f.impact?.perRequestMs as number);
  const ms = how === 'sum' ? values.reduce((a, b) => a + b, 0) : Math.max(...values);
  const of = known.find((f) => (f.impact?.perRequestMs as number) === Math.max(...values))?.impact
    ?.perRequestOf;
  return { perRequestMs: ms, ...(of ? { perRequestOf: of } : {}) };
}

/** The estimate in words, for the finding's impact line: "≈ 0.42 ms of request time per request". */
export function describePerRequest(impact: FindingImpact): string | undefined {
  if (impact.perRequestMs !== undefined) {
    const v = impact.perRequestMs;
    const text = v >= 10 ? v.toFixed(0) : v >= 0.1 ? v.toFixed(2) : v.toPrecision(2);
    return `ranked by ≈ ${text} ms of ${impact.perRequestOf ?? 'request time'} per request of the run (all routes)`;
  }
  if (impact.perRequestUnknown)
    return `not ranked by time per request: ${impact.perRequestUnknown}`;
  return undefined;
}
