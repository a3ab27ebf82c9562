/** analyzeProfile: any imported profile → source-mapped tables and ranked findings. */

import { explainHotDependencies } from '../../findings/config-causes.js';
import type { Finding } from '../../findings/finding.js';
import { rankFindings } from '../../findings/rank.js';
import type { Profile } from '../model/profile.js';
import { attributeSamples } from './attribution.js';
import { readProfileConfigCauses } from './config-evidence.js';
import { createContentionFindings, createGoroutineFindings } from './contention-findings.js';
import { createCpuFindings } from './cpu-findings.js';
import { createFrameInfoTable, type FrameInfoTable } from './frame-info.js';
import { createGoSchedulerFindings } from './go-findings.js';
import {
  createAllocationFindings,
  createGrowthFindings,
  createSnapshotFindings,
} from './memory-findings.js';
import { createSourceResolver, type PathMap, type SourceResolver } from './source-map.js';
import { createTables, type ProfileTables } from './tables.js';

/** Options of {@link analyzeProfile}. */
export interface AnalyzeOptions {
  /** Rows per table (default 20). */
  top?: number;
  /** Directory paths are shown relative to (default: process.cwd()). */
  cwd?: string;
  /** Apply source maps and search call sites in the scripts on disk (default true). */
  sourceMaps?: boolean;
  /** Rewrites of recorded path prefixes (`[['/srv/app', '.']]`) before sources are read and shown. */
  pathMap?: PathMap;
  /** Use this resolver instead of creating one (shares its cache). */
  resolver?: SourceResolver;
}

/** The result of analysing one profile. */
export interface ProfileAnalysis {
  profile: Pick<Profile, 'format' | 'valueKind' | 'unit' | 'durationMs' | 'meta' | 'runtime'>;
  tables: ProfileTables;
  /** Ranked (rankFindings) findings. */
  findings: Finding[];
}

/**
 * The options several profiles of one capture share: one source resolver (and its cache) for
 * all of them, or source maps off.
 */
export function sharedAnalyzeOptions(options: AnalyzeOptions): AnalyzeOptions {
  const resolver =
    options.resolver ??
    (options.sourceMaps === false ? undefined : createSourceResolver(options.cwd, options.pathMap));
  return { ...options, ...(resolver ? { resolver } : { sourceMaps: false }) };
}

/** Analyses an imported profile. */
export function analyzeProfile(profile: Profile, options: AnalyzeOptions = {}): ProfileAnalysis {
  const resolver =
    options.resolver ??
    (options.sourceMaps === false ? undefined : createSourceResolver(options.cwd, options.pathMap));
  const table = createFrameInfoTable(profile, resolver);
  const attribution = attributeSamples(profile, table);
  const tables = createTables(profile, attribution, table, options.top ?? 20);
  const findings = findingsFor(profile, tables, table);
  const summary: ProfileAnalysis['profile'] = {
    format: profile.format,
    valueKind: profile.valueKind,
    unit: profile.unit,
    runtime: tables.runtime,
    meta: profile.meta,
  };
  if (profile.durationMs !== undefined) summary.durationMs = profile.durationMs;
  return { profile: summary, tables, findings: rankFindings(findings) };
}

function findingsFor(profile: Profile, tables: ProfileTables, table: FrameInfoTable): Finding[] {
  switch (profile.valueKind) {
    case 'cpu':
    case 'wall':
      return tables.runtime === 'go'
        ? [...createCpuFindings(tables), ...createGoSchedulerFindings(profile, table)]
        : explainHotDependencies(createCpuFindings(tables), readProfileConfigCauses(tables));
    case 'alloc':
    case 'live-heap':
      return createAllocationFindings(tables);
    case 'heap-objects':
      return createSnapshotFindings(profile, tables);
    case 'heap-growth':
      return createGrowthFindings(profile, tables);
    case 'contention':
      return createContentionFindings(profile, tables);
    case 'goroutines':
      return createGoroutineFindings(tables);
  }
}
