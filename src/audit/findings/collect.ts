/**
 * Findings of every source (profile, soak, probe, database, the audit's own) in one ranked list:
 * file paths shown relative to the target's folder, duplicates merged (same rule at the same
 * place keeps the worst), findings of one root cause merged (merge-root-causes.ts), route
 * latencies from the probe added as evidence.
 */
import { isAbsolute, relative, sep } from 'node:path';
import {
  describePerRequest,
  type ImpactContext,
  mergedPerRequest,
  withPerRequestImpact,
} from '../../findings/common-impact.js';
import type { Finding } from '../../findings/finding.js';
import { compareSeverity, rankFindings } from '../../findings/rank.js';
import type { RouteStats } from '../../probe/index.js';
import { mergeRootCauses } from './merge-root-causes.js';

/** Where findings come from. */
export interface FindingSources {
  profile?: readonly Finding[];
  soak?: readonly Finding[];
  probe?: readonly Finding[];
  db?: readonly Finding[];
  audit?: readonly Finding[];
  /** Per-route statistics of the probe over the run. */
  routes?: readonly RouteStats[];
  /** Folder that paths are shown relative to (the target's working directory). */
  displayRoot: string;
  /** Request counts for the common measure findings are ranked by (common-impact.ts). */
  impact?: ImpactContext;
}

/** A path relative to `root` when it lies inside it (forward slashes), else unchanged. */
export function toDisplayPath(file: string, root: string): string {
  if (!isAbsolute(file)) return file;
  const rel = relative(root, file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split(sep).join('/') : file;
}

/**
 * The key the audit de-duplicates findings of all sources by: rule id plus its place, the line
 * when the finding has one (whatever its route or statement: the profile's and the soak's finding
 * at one line, or one loop reached from two routes, is one thing to fix), else route, statement
 * and function. Of one key on one route the worst is kept; from two routes they are merged
 * ({@link foldOtherRoute}: each route's evidence stays). Coarser on purpose than the probe's own identity of a finding
 * (probe/findings-store.ts `probeFindingKey`), which must keep every aggregate apart.
 */
export function duplicateKey(f: Finding): string {
  const l = f.location ?? {};
  const where = l.file
    ? `${l.file}:${l.line ?? ''}`
    : `${l.route ?? ''}|${l.query ?? ''}|${l.functionName ?? ''}`;
  return `${f.id}@${where}`;
}

function withRouteEvidence(f: Finding, routes: readonly RouteStats[] | undefined): Finding {
  const route = f.location?.route;
  const stats = route ? routes?.find((r) => r.route === route) : undefined;
  if (!stats || f.evidence.some((e) => e.label === `${route} p95`)) return f;
  return {
    ...f,
    evidence: [
      ...f.evidence,
      { label: `${route} p95`, value: Number(stats.p95Ms.toFixed(1)), unit: 'ms', source: 'probe' },
      { label: `${route} requests`, value: stats.requests, source: 'probe' },
    ],
  };
}

/**
 * `other` (the same rule at the same line as `host`, on another route) folded into `host`: the
 * loop of one helper reached from two routes is one thing to fix, and each route's evidence stays
 * (its title, its cost, its route's latency). The time adds up (the routes' requests are
 * different requests); the worse severity and the larger share are kept.
 */
export function foldOtherRoute(host: Finding, other: Finding): Finding {
  const route = other.location?.route as string;
  const hostRoute = host.location?.route;
  const routeEvidence = other.evidence.filter((e) => e.label.startsWith(`${route} `));
  const time = (host.impact?.timeMs ?? 0) + (other.impact?.timeMs ?? 0);
  const routes = [
    ...new Set([
      ...(hostRoute ? [hostRoute] : []),
      ...host.evidence.filter((e) => e.label === 'also on route').map((e) => String(e.value)),
      route,
    ]),
  ];
  return {
    ...host,
    // The host's title keeps its own numbers (per request on its route); the others are named.
    title: `${host.title.replace(/ \(also on [^)]*\)$/, '')} (also on ${routes.filter((r) => r !== hostRoute).join(', ')})`,
    severity: compareSeverity(other.severity, host.severity) < 0 ? other.severity : host.severity,
    ...(host.impact
      ? {
          impact: {
            ...host.impact,
            share: Math.max(host.impact.share ?? 0, other.impact?.share ?? 0),
            ...(time > 0 ? { timeMs: time } : {}),
            // Different routes' requests: the time each saves adds up.
            ...mergedPerRequest([host, other], 'sum'),
            description: `${host.impact.description}; on ${route}: ${other.impact?.description ?? 'see its evidence'}`,
          },
        }
      : {}),
    evidence: [
      ...host.evidence,
      { label: 'also on route', value: route, source: other.evidence[0]?.source ?? 'probe' },
      { label: `on ${route}`, value: other.title, source: other.evidence[0]?.source ?? 'probe' },
      ...routeEvidence,
    ],
    ...(other.merged || host.merged
      ? { merged: [...new Set([...(host.merged ?? []), ...(other.merged ?? [])])] }
      : {}),
  };
}

/** The routes a finding stands for: its own and those folded into it ({@link foldOtherRoute}). */
function routesOf(f: Finding): Set<string> {
  const routes = new Set(
    f.evidence.filter((e) => e.label === 'also on route').map((e) => String(e.value)),
  );
  if (f.location?.route) routes.add(f.location.route);
  return routes;
}

function normalise(f: Finding, root: string): Finding {
  if (!f.location?.file) return f;
  return { ...f, location: { ...f.location, file: toDisplayPath(f.location.file, root) } };
}

/**
 * Merges, de-duplicates and ranks the findings (rankFindings: severity, then the time a fix saves
 * per request of the run, common-impact.ts, then the rule's own share and time).
 */
export function collectFindings(sources: FindingSources): Finding[] {
  const all = [
    ...(sources.profile ?? []),
    ...(sources.soak ?? []),
    ...(sources.probe ?? []),
    ...(sources.db ?? []),
    ...(sources.audit ?? []),
  ];
  const prepared = all.map((raw) =>
    withPerRequestImpact(
      withRouteEvidence(normalise(raw, sources.displayRoot), sources.routes),
      sources.impact ?? {},
    ),
  );
  // Merged before de-duplication (which would keep one route of a statement's cache candidates),
  // ranked so that each statement's worst plan finding is the one that takes them.
  const byKey = new Map<string, Finding>();
  for (const f of mergeRootCauses(rankFindings(prepared))) {
    const key = duplicateKey(f);
    const seen = byKey.get(key);
    const route = f.location?.route;
    if (seen && route && !routesOf(seen).has(route)) {
      // Another route through the same line: one finding, both routes' evidence.
      byKey.set(key, foldOtherRoute(seen, f));
    } else if (!seen || compareSeverity(f.severity, seen.severity) < 0) byKey.set(key, f);
  }
  return rankFindings([...byKey.values()].map(withRankingNote));
}

/** The finding's impact line ends with what it is ranked by (or why it has no estimate). */
function withRankingNote(f: Finding): Finding {
  const note = f.impact ? describePerRequest(f.impact) : undefined;
  if (!f.impact || !note || f.impact.description.includes(note)) return f;
  return { ...f, impact: { ...f.impact, description: `${f.impact.description}; ${note}` } };
}
