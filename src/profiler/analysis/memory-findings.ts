/** Findings from heap profiles and snapshots: allocation sites, heap composition, growth between snapshots. */
import type { Finding } from '../../findings/finding.js';
import { formatBytes, formatPercent, formatSignedBytes } from '../../util/units.js';
import type { Profile } from '../model/profile.js';
import { formatWhere, hotspotLocation } from './cpu-findings.js';
import type { ProfileTables } from './tables.js';

/** Growth between two snapshots above this fraction of the first one is reported. */
export const SNAPSHOT_GROWTH_THRESHOLD = 0.1;

/** Top allocation sites of a sampling heap profile (informational: a profile alone is no leak). */
export function createAllocationFindings(tables: ProfileTables, top = 3): Finding[] {
  const what = tables.valueKind === 'live-heap' ? 'live heap (sampled)' : 'sampled allocations';
  return tables.hotspots.slice(0, top).map((site) => ({
    id: 'memory.allocation-site',
    area: 'memory' as const,
    title: `${formatPercent(site.share, 1)} of ${what} allocated at ${formatWhere(site)}`,
    severity: 'info' as const,
    location: hotspotLocation(site),
    impact: {
      share: site.share,
      shareOf: what,
      description: `${formatBytes(site.weight)} (${formatPercent(site.share, 1)}) of ${what}`,
    },
    rootCause: `${site.functionName} allocates (or its callees allocate) this memory.`,
    recommendation: {
      text: 'If this share grows over time the objects are retained: check where they are stored (caches, arrays, listeners) and bound or release them.',
      effort: 'medium',
    },
    evidence: [
      { label: 'bytes', value: Math.round(site.weight), unit: 'B', source: 'heap profile' },
      ...(site.lineText ? [{ label: 'source line', value: site.lineText }] : []),
    ],
  }));
}

/** Largest constructors of a heap snapshot (informational). */
export function createSnapshotFindings(
  profile: Profile,
  tables: ProfileTables,
  top = 3,
): Finding[] {
  return tables.functions.slice(0, top).map((row) => ({
    id: 'memory.heap-composition',
    area: 'memory' as const,
    title: `${row.name} holds ${formatBytes(row.self)} (${formatPercent(row.selfShare, 1)} of the heap)`,
    severity: 'info' as const,
    impact: {
      share: row.selfShare,
      shareOf: 'heap snapshot self size',
      description: `${formatBytes(row.self)} in ${row.name} objects`,
    },
    rootCause: 'These objects take the largest part of the heap at the moment of the snapshot.',
    recommendation: {
      text: 'Compare with a later snapshot (`redline analyze later.heapsnapshot --baseline this.heapsnapshot`) to see whether they grow.',
      effort: 'low',
    },
    evidence: [{ label: 'objects in snapshot', value: profile.meta.objects ?? 0 }],
  }));
}

/** Growth between two snapshots: flagged when the heap grew by more than the threshold. */
export function createGrowthFindings(profile: Profile, tables: ProfileTables): Finding[] {
  const before = Number(profile.meta.bytesBefore ?? 0);
  const growth = Number(profile.meta.growth ?? 0);
  const ratio = before > 0 ? growth / before : 0;
  if (ratio < SNAPSHOT_GROWTH_THRESHOLD) return [];
  const top = tables.functions.slice(0, 5);
  const first = top[0];
  return [
    {
      id: 'memory.growth',
      area: 'memory',
      title: `Heap grew ${formatPercent(ratio, 0)} between snapshots${first ? `, mostly ${first.name}` : ''}`,
      severity: ratio >= 0.5 ? 'high' : 'medium',
      impact: {
        share: ratio,
        shareOf: 'heap size of the first snapshot',
        description: `${formatSignedBytes(growth)} (${formatPercent(ratio, 0)})`,
      },
      rootCause:
        'Objects created between the two snapshots are still reachable: something keeps references to them (a growing array or map, listeners, closures, caches without a bound).',
      recommendation: {
        text: 'Find who retains the growing class (DevTools Memory → Comparison → Retainers) and bound or release it.',
        effort: 'medium',
      },
      evidence: top.map((row) => ({
        label: `new ${row.name}`,
        value: formatBytes(row.self),
        source: 'heap snapshot diff',
      })),
    },
  ];
}
