/**
 * Findings of every source (profile, soak, probe, database, the audit's own) in one ranked list:
 * file paths shown relative to the target's folder, duplicates merged (same rule at the same
 * place keeps the worst), findings of one root cause merged (merge-root-causes.ts), route
 * latencies from the probe added as evidence.
 */
import { isAbsolute, relative, sep } from 'node:path';
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
 * and function. Coarser on purpose than the probe's own identity of a finding
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

function normalise(f: Finding, root: string): Finding {
  if (!f.location?.file) return f;
  return { ...f, location: { ...f.location, file: toDisplayPath(f.location.file, root) } };
}

/** Merges, de-duplicates and ranks the findings (rankFindings: severity, share, time). */
export function collectFindings(sources: FindingSources): Finding[] {
  const all = [
    ...(sources.profile ?? []),
    ...(sources.soak ?? []),
    ...(sources.probe ?? []),
    ...(sources.db ?? []),
    ...(sources.audit ?? []),
  ];
  const prepared = all.map((raw) =>
    withRouteEvidence(normalise(raw, sources.displayRoot), sources.routes),
  );
  // Merged before de-duplication (which would keep one route of a statement's cache candidates),
  // ranked so that each statement's worst plan finding is the one that takes them.
  const byKey = new Map<string, Finding>();
  for (const f of mergeRootCauses(rankFindings(prepared))) {
    const key = duplicateKey(f);
    const seen = byKey.get(key);
    if (!seen || compareSeverity(f.severity, seen.severity) < 0) byKey.set(key, f);
  }
  return rankFindings([...byKey.values()]);
}
