/**
 * One root cause, one finding (issue 14: 50 cache-candidate findings, mostly one per slug and
 * largely the missing index again). Two merges, by statement shape (`normalizeSql`):
 *
 * - the plan findings of one statement (two plan nodes — a missing index and a top-N sort, a slow
 *   node and its row misestimate) become one finding: the worst ranked, with each other one kept
 *   as an evidence line (its title and the statement it would run);
 * - cache candidates on a statement the database step found a plan problem in (a missing index,
 *   a top-N sort, …) are folded into that plan finding as evidence: the plan is the cause of the
 *   cost; a cache is only worth it if the statement stays hot once the plan is fixed;
 * - cache candidates that are an N+1's own query on its route are folded into the N+1: the
 *   repeats are the loop's, and batching the loop removes them;
 * - the cache candidates of one statement on several routes become one finding listing the routes
 *   when they name one call site; issued from different lines, each keeps its own finding (a
 *   merged one named one line for every route: a NestJS + MikroORM service's user lookup "at
 *   article.service.ts:25" on the detail route, which runs it at line 90).
 *
 * - findings of different statements whose advice is one index (the same table and columns in
 *   their `CREATE INDEX`, whatever the rule or the index's name) become one finding listing every
 *   statement and its call site: exseq's plain slug lookup and the lookup with its includes, or
 *   mikro's missing index and the nested loop that needs the same `article (slug)`.
 *
 * The merged finding keeps the impact of the finding that takes the others (the same statement's
 * time, never a sum), so "Expected Improvements" counts that time once; for one index over
 * several statements too (a plan finding's time is per execution of its own statement: two
 * statements' times do not add up to one quantity), each statement's measured gain is listed.
 */
import { normalizeSql } from '../../db/index.js';
import type { Evidence, Finding } from '../../findings/finding.js';
import { compareSeverity, rankFindings } from '../../findings/rank.js';

const CACHE_CANDIDATE = 'probe.cache-candidate';
const N_PLUS_ONE = 'probe.n-plus-one';

function shapeOf(f: Finding): string | undefined {
  const query = f.location?.query;
  return query ? normalizeSql(query) : undefined;
}

function mergedIds(host: Finding, folded: readonly Finding[]): string[] {
  return [
    ...new Set([...(host.merged ?? []), ...folded.flatMap((f) => [f.id, ...(f.merged ?? [])])]),
  ];
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

/** Why the cache candidates are folded into `host`, written into its root cause. */
function foldReason(host: Finding, routes: string): string {
  return host.id === N_PLUS_ONE
    ? ` The same statement was reported as a cache candidate (${routes}): its repeats are this loop's; batching the loop removes them, so cache only if the batched query stays hot.`
    : ` The same statement was reported as a cache candidate (${routes}): the repeats cost because each run is slow; fix the plan first, and cache only if the statement stays hot after that.`;
}

function foldCaches(plan: Finding, caches: readonly Finding[]): Finding {
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
    rootCause: `${plan.rootCause}${foldReason(plan, routes.join(', ') || 'unknown routes')}`,
    evidence: [...plan.evidence, ...evidence],
    merged: mergedIds(plan, caches),
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

/** Findings grouped by the call site they name (`file:line`; one group for those with none). */
function bySite(list: readonly Finding[]): Map<string, Finding[]> {
  const groups = new Map<string, Finding[]>();
  for (const f of list) {
    const key = f.location?.file ? `${f.location.file}:${f.location.line ?? ''}` : '';
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  return groups;
}

/** A plan finding of the same statement as `host`, kept as one evidence line of it. */
function otherPlanEvidence(other: Finding): Evidence {
  const sql = other.recommendation.sql ? ` — ${other.recommendation.sql}` : '';
  return {
    label: `same statement: ${other.id}`,
    value: `${other.title} (${other.severity})${sql}`,
    source: other.evidence[0]?.source ?? 'EXPLAIN',
  };
}

function foldPlans(host: Finding, others: readonly Finding[]): Finding {
  if (others.length === 0) return host;
  return {
    ...host,
    rootCause: `${host.rootCause} The plan of the same statement also shows: ${others.map((o) => o.title).join('; ')} (one statement, one fix to measure; see the evidence).`,
    evidence: [...host.evidence, ...others.map(otherPlanEvidence)],
    merged: mergedIds(host, others),
  };
}

const isPlan = (f: Finding) => f.id.startsWith('db.');

const INDEX_DDL =
  /^\s*CREATE\s+(?:UNIQUE\s+)?INDEX\b[^(]*?\bON\s+(?:ONLY\s+)?([^\s(]+)\s*\(([^;]*)\)/i;

/**
 * The index a finding advises, as `table(columns)` with quotes, case and spaces dropped (the
 * index's name and CONCURRENTLY left out: two names for one index are one index); undefined when
 * its SQL is no CREATE INDEX.
 */
export function adviseIndexKey(f: Finding): string | undefined {
  const m = f.recommendation.sql?.match(INDEX_DDL);
  if (!m) return undefined;
  const bare = (s: string) => s.replace(/["`]/g, '').replace(/\s+/g, '').toLowerCase();
  return `${bare(m[1] as string)}(${bare(m[2] as string)})`;
}

/** `other` (another statement needing `host`'s index) as evidence lines of `host`. */
function otherStatementEvidence(other: Finding): Evidence[] {
  const where = other.location?.file
    ? ` at ${other.location.file}${other.location.line ? `:${other.location.line}` : ''}`
    : '';
  const source = other.evidence[0]?.source ?? 'EXPLAIN';
  return [
    {
      label: 'same index, another statement',
      value: `${other.title} (${other.severity})${where}: ${other.location?.query ?? 'statement unknown'}`,
      source,
    },
    ...other.evidence
      .filter((e) =>
        /^(?:verify-index |statement time over the run$|calls over the run$)/.test(e.label),
      )
      .map((e) => ({ ...e, label: `other statement: ${e.label}` })),
  ];
}

/** Findings of different statements that advise one index, merged (see the file comment). */
function mergeByIndex(findings: readonly Finding[]): Finding[] {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const key = adviseIndexKey(f);
    if (key && shapeOf(f)) groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  const replaced = new Map<Finding, Finding | null>();
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const [host, ...others] = rankFindings(group) as [Finding, ...Finding[]];
    const statements = [host, ...others].map((f) => f.location?.query as string);
    replaced.set(host, {
      ...host,
      title: `${host.title} (one index for ${new Set(statements.map(normalizeSql)).size} statements)`,
      severity: others.reduce((s, o) => worse(s, o.severity), host.severity),
      ...(host.impact
        ? {
            impact: {
              ...host.impact,
              description: `${host.impact.description}; the same index serves ${others.length} other statement(s): ${others.map((o) => o.impact?.description ?? o.title).join('; ')}`,
            },
          }
        : {}),
      rootCause: `${host.rootCause} The same index is advised for ${others.length} other statement(s) (see the evidence): one index, one fix.`,
      evidence: [...host.evidence, ...others.flatMap(otherStatementEvidence)],
      merged: mergedIds(host, others),
      alsoQueries: [
        ...new Set([
          ...(host.alsoQueries ?? []),
          ...others.flatMap((o) => [o.location?.query as string, ...(o.alsoQueries ?? [])]),
        ]),
      ],
    });
    for (const o of others) replaced.set(o, null);
  }
  return findings.flatMap((f) => {
    const r = replaced.get(f);
    return r === null ? [] : [r ?? f];
  });
}

/**
 * Merges findings that share one root cause (see the file comment). The caller ranks them first:
 * the first plan finding of a statement, and the first N+1 of a statement on a route, take the
 * others. The order is not kept.
 */
export function mergeRootCauses(findings: readonly Finding[]): Finding[] {
  const caches = new Map<string, Finding[]>();
  const plans = new Map<string, { host: Finding; others: Finding[] }>();
  const loops = new Map<string, { host: Finding; caches: Finding[] }>();
  const out: Finding[] = [];
  for (const f of findings) {
    const shape = shapeOf(f);
    if (f.id === CACHE_CANDIDATE && shape) {
      caches.set(shape, [...(caches.get(shape) ?? []), f]);
      continue;
    }
    if (shape && isPlan(f)) {
      const plan = plans.get(shape);
      if (plan) {
        plan.others.push(f);
        continue;
      }
      plans.set(shape, { host: f, others: [] });
    }
    const loopKey = `${f.location?.route ?? ''}|${shape}`;
    if (shape && f.id === N_PLUS_ONE && !loops.has(loopKey))
      loops.set(loopKey, { host: f, caches: [] });
    out.push(f);
  }
  const replaced = new Map<Finding, Finding>();
  for (const { host, others } of plans.values()) replaced.set(host, foldPlans(host, others));
  for (const [shape, list] of caches) {
    const plan = plans.get(shape);
    if (plan) {
      replaced.set(plan.host, foldCaches(replaced.get(plan.host) ?? plan.host, list));
      continue;
    }
    const rest = list.filter((c) => {
      const loop = loops.get(`${c.location?.route ?? ''}|${shape}`);
      loop?.caches.push(c);
      return !loop;
    });
    for (const group of bySite(rest).values())
      out.push(group.length === 1 ? (group[0] as Finding) : mergeCaches(group));
  }
  for (const loop of loops.values())
    if (loop.caches.length > 0) replaced.set(loop.host, foldCaches(loop.host, loop.caches));
  return mergeByIndex(out.map((f) => replaced.get(f) ?? f));
}
