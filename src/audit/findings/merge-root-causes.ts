/**
 * One root cause, one finding (issue 14: 50 cache-candidate findings, mostly one per slug and
 * largely the missing index again). Two merges, by statement shape (`normalizeSql`):
 *
 * - cache candidates on a statement the database step found a plan problem in (a missing index,
 *   a top-N sort, …) are folded into that plan finding as evidence: the plan is the cause of the
 *   cost; a cache is only worth it if the statement stays hot once the plan is fixed;
 * - the cache candidates of one statement on several routes become one finding listing the routes.
 */
import { normalizeSql } from '../../db/index.js';
import type { Evidence, Finding } from '../../findings/finding.js';
import { compareSeverity } from '../../findings/rank.js';

const CACHE_CANDIDATE = 'probe.cache-candidate';

function shapeOf(f: Finding): string | undefined {
  const query = f.location?.query;
  return query ? normalizeSql(query) : undefined;
}

function worse(a: Finding['severity'], b: Finding['severity']): Finding['severity'] {
  return compareSeverity(a, b) <= 0 ? a : b;
}

function cacheTimeMs(list: readonly Finding[]): number {
  return list.reduce((sum, f) => sum + (f.impact?.timeMs ?? 0), 0);
}

function routesOf(list: readonly Finding[]): string[] {
  return [...new Set(list.map((f) => f.location?.route).filter((r): r is string => !!r))].sort();
}

function foldIntoPlan(plan: Finding, caches: readonly Finding[]): Finding {
  const routes = routesOf(caches);
  const saved = cacheTimeMs(caches);
  const evidence: Evidence[] = [
    {
      label: 'also a cache candidate',
      value: `${caches.length} finding(s) on ${routes.join(', ') || 'unknown routes'}`,
      source: 'probe',
    },
    {
      label: 'database time a cache would save',
      value: Number(saved.toFixed(1)),
      unit: 'ms',
      source: 'probe',
    },
  ];
  return {
    ...plan,
    severity: worse(
      plan.severity,
      caches.reduce((s, c) => worse(s, c.severity), plan.severity),
    ),
    rootCause: `${plan.rootCause} The same statement was reported as a cache candidate (${routes.join(', ') || 'unknown routes'}): the repeats cost because each run is slow; fix the plan first, and cache only if the statement stays hot after that.`,
    evidence: [...plan.evidence, ...evidence],
  };
}

function mergeCaches(caches: readonly Finding[]): Finding {
  const sorted = [...caches].sort((a, b) => (b.impact?.timeMs ?? 0) - (a.impact?.timeMs ?? 0));
  const first = sorted[0] as Finding;
  const routes = routesOf(sorted);
  const total = cacheTimeMs(sorted);
  const location = { ...first.location };
  delete location.route;
  return {
    ...first,
    title: `${first.title.replace(/^Cache candidate on .+?: /, `Cache candidate on ${routes.length} routes: `)}`,
    severity: sorted.reduce((s, c) => worse(s, c.severity), first.severity),
    location,
    impact: {
      ...first.impact,
      timeMs: total,
      description: `identical results fetched again and again on ${routes.length} routes; a short-lived cache would have saved ${total.toFixed(1)} ms of database time in total`,
    },
    evidence: [
      ...first.evidence,
      { label: 'routes', value: routes.join(', '), source: 'probe' },
      {
        label: 'database time a cache would save (all routes)',
        value: Number(total.toFixed(1)),
        unit: 'ms',
        source: 'probe',
      },
    ],
  };
}

/** Merges findings that share one root cause (see the file comment); the order is not kept. */
export function mergeRootCauses(findings: readonly Finding[]): Finding[] {
  const caches = new Map<string, Finding[]>();
  const plans = new Map<string, Finding>();
  const out: Finding[] = [];
  for (const f of findings) {
    const shape = shapeOf(f);
    if (f.id === CACHE_CANDIDATE && shape) {
      caches.set(shape, [...(caches.get(shape) ?? []), f]);
      continue;
    }
    // The first (worst-ranked by the caller) plan finding of a statement takes its cache candidates.
    if (shape && f.id.startsWith('db.') && !plans.has(shape)) plans.set(shape, f);
    out.push(f);
  }
  for (const [shape, list] of caches) {
    const plan = plans.get(shape);
    if (plan) out[out.indexOf(plan)] = foldIntoPlan(plan, list);
    else out.push(list.length === 1 ? (list[0] as Finding) : mergeCaches(list));
  }
  return out;
}
