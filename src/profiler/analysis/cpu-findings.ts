/** Findings from CPU tables: root-cause patterns at app lines, hot functions, heavy packages, GC share. */
import type { Evidence, Finding } from '../../findings/finding.js';
import { severityFromShare } from '../../findings/rank.js';
import { formatPercent } from '../../util/units.js';
import { patternById } from './patterns.js';
import type { Hotspot, ProfileTables } from './tables.js';

/** Thresholds of the CPU findings (shares of non-idle time). */
export const CPU_FINDING_THRESHOLDS = {
  /** A pattern is reported from this share of active time. */
  pattern: 0.02,
  /** A hot spot without a known cause is reported from this share. */
  hotFunction: 0.05,
  /** At most this many plain hot-function findings. */
  maxHotFunctions: 5,
  /** A dependency package is reported from this share. */
  dependency: 0.15,
  /** GC samples from this share of active time mean GC pressure. */
  gc: 0.1,
} as const;

/** Formats `file:line` (or `file` when the line is unknown). */
export function formatWhere(hotspot: Pick<Hotspot, 'file' | 'line'>): string {
  return hotspot.line === undefined ? hotspot.file : `${hotspot.file}:${hotspot.line}`;
}

function shareOf(tables: ProfileTables): string {
  return tables.valueKind === 'wall' ? 'wall time (excluding idle)' : 'CPU time (excluding idle)';
}

function impactOf(hotspot: Hotspot, tables: ProfileTables): Finding['impact'] {
  const ms = hotspot.ms === undefined ? '' : ` (${Math.round(hotspot.ms)} ms)`;
  const impact: NonNullable<Finding['impact']> = {
    share: hotspot.share,
    shareOf: shareOf(tables),
    description: `${formatPercent(hotspot.share, 1)} of ${shareOf(tables)}${ms}`,
  };
  if (hotspot.ms !== undefined) impact.timeMs = hotspot.ms;
  return impact;
}

function evidenceOf(hotspot: Hotspot, tables: ProfileTables): Evidence[] {
  const evidence: Evidence[] = [
    { label: 'share of active samples', value: formatPercent(hotspot.share, 1), source: 'profile' },
    { label: 'line found by', value: hotspot.lineSource, source: 'profile' },
  ];
  if (hotspot.ms !== undefined)
    evidence.push({ label: 'time', value: Math.round(hotspot.ms), unit: 'ms', source: 'profile' });
  if (hotspot.lineText) evidence.push({ label: 'source line', value: hotspot.lineText });
  for (const via of hotspot.via) {
    const who = via.pkg ? `${via.name} (${via.pkg})` : `${via.name} (${via.category})`;
    evidence.push({
      label: 'calls',
      value: `${who}: ${formatPercent(via.share, 1)}`,
      source: 'profile',
    });
  }
  if (tables.idleShare > 0)
    evidence.push({ label: 'idle (excluded)', value: formatPercent(tables.idleShare, 1) });
  return evidence;
}

function locationOf(hotspot: Hotspot): Finding['location'] {
  const location: NonNullable<Finding['location']> = {
    file: hotspot.file,
    functionName: hotspot.functionName,
  };
  if (hotspot.line !== undefined) location.line = hotspot.line;
  if (hotspot.column !== undefined) location.column = hotspot.column;
  return location;
}

/** A finding for a hot spot whose cause a pattern recognised. */
function createPatternFinding(hotspot: Hotspot, tables: ProfileTables): Finding | undefined {
  const pattern = hotspot.patternId ? patternById(hotspot.patternId) : undefined;
  if (!pattern) return undefined;
  return {
    id: pattern.id,
    area: pattern.area,
    title: `${pattern.title} at ${formatWhere(hotspot)}`,
    severity: severityFromShare(hotspot.share),
    location: locationOf(hotspot),
    impact: impactOf(hotspot, tables),
    rootCause: pattern.rootCause,
    recommendation: pattern.recommendation,
    evidence: evidenceOf(hotspot, tables),
  };
}

function createHotFunctionFinding(hotspot: Hotspot, tables: ProfileTables): Finding {
  const top = hotspot.via[0];
  const inside = top
    ? `; most of it inside ${top.name} (${top.pkg ?? top.category})`
    : ' in its own code';
  // Time mostly spent in Node's own code (socket writes, HTTP parsing) is the cost of I/O, not a
  // code hot spot: say so and keep its severity low.
  const inCore = top !== undefined && top.category === 'core' && top.weight >= hotspot.weight * 0.5;
  const severity = severityFromShare(hotspot.share);
  return {
    id: 'cpu.hot-function',
    area: 'cpu',
    title: `${inCore ? 'Node core work called from' : 'Hot code in'} ${hotspot.functionName} at ${formatWhere(hotspot)}`,
    severity: inCore && (severity === 'high' || severity === 'medium') ? 'low' : severity,
    location: locationOf(hotspot),
    impact: impactOf(hotspot, tables),
    rootCause: inCore
      ? `${hotspot.functionName} takes ${formatPercent(hotspot.share, 1)} of ${shareOf(tables)}, mostly inside Node's own ${top.name} (socket writes, stream and HTTP handling): the per-request cost of I/O.`
      : `${hotspot.functionName} takes ${formatPercent(hotspot.share, 1)} of ${shareOf(tables)}${inside}.`,
    recommendation: inCore
      ? {
          text: 'Usually not a code hot spot: fewer, larger writes per response (one res.end with the whole body), keep-alive, and fewer requests (batching) reduce it.',
          effort: 'medium',
        }
      : {
          text: 'Do less per request here: cache results that repeat, avoid recomputing per call, use a better algorithm or data structure, or move CPU-heavy work to a worker thread (e.g. piscina).',
          effort: 'medium',
        },
    evidence: evidenceOf(hotspot, tables),
  };
}

/** All CPU findings of one profile's tables (unranked). */
export function createCpuFindings(tables: ProfileTables): Finding[] {
  const findings: Finding[] = [];
  let plain = 0;
  for (const hotspot of tables.hotspots) {
    const byPattern =
      (hotspot.patternShare ?? 0) >= CPU_FINDING_THRESHOLDS.pattern
        ? createPatternFinding(hotspot, tables)
        : undefined;
    if (byPattern) findings.push(byPattern);
    else if (
      hotspot.share >= CPU_FINDING_THRESHOLDS.hotFunction &&
      plain < CPU_FINDING_THRESHOLDS.maxHotFunctions
    ) {
      findings.push(createHotFunctionFinding(hotspot, tables));
      plain += 1;
    }
  }
  for (const pkg of tables.packages) {
    if (pkg.share < CPU_FINDING_THRESHOLDS.dependency) continue;
    findings.push({
      id: 'cpu.hot-dependency',
      area: 'cpu',
      title: `Dependency ${pkg.name} takes ${formatPercent(pkg.share, 1)} of CPU`,
      severity: severityFromShare(pkg.share),
      impact: {
        share: pkg.share,
        shareOf: shareOf(tables),
        description: `${formatPercent(pkg.share, 1)} of ${shareOf(tables)}`,
        ...(pkg.ms === undefined ? {} : { timeMs: pkg.ms }),
      },
      rootCause: `Code of the package ${pkg.name} runs for a large part of the time; the hot spots above show which of your lines call it.`,
      recommendation: {
        text: `Check how ${pkg.name} is used (options, call frequency, input size), cache its results, or replace it with a faster alternative.`,
        effort: 'medium',
      },
      evidence: [{ label: 'package share', value: formatPercent(pkg.share, 1), source: 'profile' }],
    });
  }
  const gc = tables.categories.find((row) => row.category === 'gc');
  if (gc && gc.share >= CPU_FINDING_THRESHOLDS.gc)
    findings.push(createGcShareFinding(gc.share, gc.ms));
  return findings;
}

/** GC pressure seen in the CPU profile: the share of samples V8 spent collecting garbage. */
export function createGcShareFinding(share: number, ms?: number): Finding {
  return {
    id: 'gc.pressure',
    area: 'gc',
    title: `Garbage collection takes ${formatPercent(share, 1)} of CPU`,
    severity: severityFromShare(share),
    impact: {
      share,
      shareOf: 'CPU time (excluding idle)',
      description: `${formatPercent(share, 1)} of CPU time in the garbage collector`,
      ...(ms === undefined ? {} : { timeMs: ms }),
    },
    rootCause:
      'The service allocates fast (many short-lived objects, large strings or buffers per request), so V8 collects often.',
    recommendation: {
      text: 'Allocate less per request: reuse buffers, avoid building large intermediate arrays/strings, stream instead of buffering; the allocation profile shows where.',
      effort: 'medium',
    },
    evidence: [{ label: 'GC share of samples', value: formatPercent(share, 1), source: 'profile' }],
  };
}
