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
 * - cache candidates that are a count-per-list's own count on its route are folded into the
 *   count finding, whose advice is to cache the total (a NestJS + MikroORM service's list count
 *   was both findings, #5 and #6, with no plan finding to join them);
 * - the cache candidates of one statement on several routes become one finding listing the routes
 *   when they name one call site; issued from different lines, each keeps its own finding (a
 *   merged one named one line for every route: a NestJS + MikroORM service's user lookup "at
 *   article.service.ts:25" on the detail route, which runs it at line 90).
 *
 * - the plan findings of a count that runs with every page (probe.count-per-list) are folded into
 *   the count finding, which names the call site: the fix is the count's (count less often, or
 *   index its filter), not the plan node's generic join advice (exseq's findAndCountAll: "nested
 *   loop, index the join key" on a `count(DISTINCT id)` joined to the page's includes); an index
 *   the plan advises stays the finding's SQL;
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
import { normalizeSql, parenDepthAt } from '../../db/index.js';
import { mergedPerRequest } from '../../findings/common-impact.js';
import type { Evidence, Finding } from '../../findings/finding.js';
import { compareSeverity, rankFindings } from '../../findings/rank.js';

const CACHE_CANDIDATE = 'probe.cache-candidate';
const COUNT_PER_LIST = 'probe.count-per-list';
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

/** `f`'s impact with the per-request estimate of the findings it stands for (common-impact.ts). */
function withMergedPerRequest(f: Finding, parts: readonly Finding[], how: 'sum' | 'max'): Finding {
  const merged = mergedPerRequest(parts, how);
  if (!f.impact || !merged) return f;
  const { perRequestUnknown: _unknown, ...impact } = f.impact;
  return { ...f, impact: { ...impact, ...merged } };
}

function cacheTimeMs(list: readonly Finding[]): number {
  return list.reduce((sum, f) => sum + (f.impact?.timeMs ?? 0), 0);
}

function routesOf(list: readonly Finding[]): string[] {
  return [...new Set(list.map((f) => f.location?.route).filter((r): r is string => !!r))].sort();
}

/** Why the cache candidates are folded into `host`, written into its root cause. */
function foldReason(host: Finding, routes: string): string {
  if (host.id === N_PLUS_ONE)
    return ` The same statement was reported as a cache candidate (${routes}): its repeats are this loop's; batching the loop removes them, so cache only if the batched query stays hot.`;
  if (host.id === COUNT_PER_LIST)
    return ` The same statement was reported as a cache candidate (${routes}): the count returns the same total on every page; caching the total, as advised, removes the repeats.`;
  return ` The same statement was reported as a cache candidate (${routes}): the repeats cost because each run is slow; fix the plan first, and cache only if the statement stays hot after that.`;
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
  // One statement: the plan's fix and the cache save the same time, counted once.
  return withMergedPerRequest(
    {
      ...plan,
      severity: worse(
        plan.severity,
        caches.reduce((s, c) => worse(s, c.severity), plan.severity),
      ),
      rootCause: `${plan.rootCause}${foldReason(plan, routes.join(', ') || 'unknown routes')}`,
      evidence: [...plan.evidence, ...evidence],
      merged: mergedIds(plan, caches),
    },
    [plan, ...caches],
    'max',
  );
}

function mergeCaches(caches: readonly Finding[]): Finding {
  const sorted = [...caches].sort((a, b) => (b.impact?.timeMs ?? 0) - (a.impact?.timeMs ?? 0));
  const first = sorted[0] as Finding;
  const routes = routesOf(sorted);
  const total = cacheTimeMs(sorted);
  const location = { ...first.location };
  delete location.route;
  const perRequest = mergedPerRequest(sorted, 'sum');
  return {
    ...first,
    title: `${first.title.replace(/^Cache candidate on .+?: /, `Cache candidate on ${routes.length} routes: `)}`,
    severity: sorted.reduce((s, c) => worse(s, c.severity), first.severity),
    location,
    impact: {
      ...first.impact,
      timeMs: total,
      ...perRequest,
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
  return withMergedPerRequest(
    {
      ...host,
      rootCause: `${host.rootCause} The plan of the same statement also shows: ${others.map((o) => o.title).join('; ')} (one statement, one fix to measure; see the evidence).`,
      evidence: [...host.evidence, ...others.map(otherPlanEvidence)],
      merged: mergedIds(host, others),
    },
    [host, ...others],
    'max',
  );
}

const isPlan = (f: Finding) => f.id.startsWith('db.');

/** A top-level keyword of `sql` (outside parentheses). */
function topLevel(sql: string, word: RegExp): RegExpMatchArray[] {
  return [...sql.matchAll(word)].filter((m) => parenDepthAt(sql, m.index ?? 0) === 0);
}

/** `count(DISTINCT t.col)` (quotes and Sequelize's inner parentheses allowed): `t`. */
const DISTINCT_OF = /^\s*select\s+count\s*\(\s*distinct\s*\(?\s*([`"]?)([\w$]+)\1\s*\./i;
/** The statement's first table and its alias (`FROM t [AS] a`). */
const FIRST_TABLE = /\bfrom\s+([`"]?)([\w$]+)\1(?:\s+(?:as\s+)?([`"]?)([\w$]+)\3)?/i;

/**
 * A `count(DISTINCT …)` whose joins cannot change it: it counts a column of the first table
 * (qualified by its name or alias), every top-level join is a LEFT join and nothing filters (no
 * WHERE, HAVING or GROUP BY): each row of the first table is kept whatever it joins, so the count
 * of that table alone is the same number. A DISTINCT over a joined table's column is not: the
 * joins bring its values.
 */
export function countJoinsIdle(sql: string): boolean {
  const counted = DISTINCT_OF.exec(sql)?.[2]?.toLowerCase();
  const first = FIRST_TABLE.exec(sql);
  if (!counted || !first) return false;
  if (counted !== first[2]?.toLowerCase() && counted !== first[4]?.toLowerCase()) return false;
  const joins = topLevel(sql, /\b(?:(left|right|full|inner|cross)\s+(?:outer\s+)?)?join\b/gi);
  return (
    joins.length > 0 &&
    joins.every((m) => m[1]?.toLowerCase() === 'left') &&
    topLevel(sql, /\b(?:where|having|group\s+by)\b/gi).length === 0
  );
}

/** The count's plan findings folded into the count finding (see the file comment). */
function foldCountPlan(count: Finding, plan: Finding): Finding {
  const query = count.location?.query ?? '';
  const idle = countJoinsIdle(query)
    ? ' The count joins the tables the page includes, and none of those joins can change it (all LEFT joins, no filter): count the first table alone (with an ORM, count without the includes: Sequelize findAndCountAll counts with them; Model.count() with the same where does not).'
    : '';
  const index = plan.recommendation.sql
    ? ` If the total must stay exact and per request, index what the count filters on: ${plan.recommendation.text}`
    : '';
  return withMergedPerRequest(
    {
      ...count,
      severity: worse(count.severity, plan.severity),
      rootCause: `${count.rootCause} The count's plan: ${plan.title} (${plan.impact?.description ?? plan.severity}).`,
      recommendation: {
        ...count.recommendation,
        text: `${count.recommendation.text}${idle}${index}`,
        ...(plan.recommendation.sql ? { sql: plan.recommendation.sql } : {}),
      },
      evidence: [
        ...count.evidence,
        {
          label: `the count's plan: ${plan.id}`,
          value: `${plan.title} (${plan.severity}): ${plan.impact?.description ?? ''}`,
          source: plan.evidence[0]?.source ?? 'EXPLAIN',
        },
        ...plan.evidence,
      ],
      ...(count.data === undefined && plan.data !== undefined ? { data: plan.data } : {}),
      merged: mergedIds(count, [plan]),
    },
    [count, plan],
    'max',
  );
}

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
    // Different statements: the index saves each one's time, summed.
    replaced.set(
      host,
      withMergedPerRequest(
        {
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
        },
        [host, ...others],
        'sum',
      ),
    );
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
    // An N+1 or a count per list page takes the cache candidates of its statement on its route.
    const loopKey = `${f.location?.route ?? ''}|${shape}`;
    if (shape && (f.id === N_PLUS_ONE || f.id === COUNT_PER_LIST) && !loops.has(loopKey))
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
  const folded = new Set<Finding>();
  for (const f of out) {
    const shape = f.id === COUNT_PER_LIST ? shapeOf(f) : undefined;
    const plan = shape ? plans.get(shape) : undefined;
    if (!plan || folded.has(plan.host)) continue;
    replaced.set(f, foldCountPlan(replaced.get(f) ?? f, replaced.get(plan.host) ?? plan.host));
    folded.add(plan.host);
  }
  return mergeByIndex(out.filter((f) => !folded.has(f)).map((f) => replaced.get(f) ?? f));
}
