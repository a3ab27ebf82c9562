/**
 * JVM-only findings from Flight Recorder events: stop-the-world GC pauses and safepoints that
 * were not GC (both stop every Java thread, so every request in flight waits).
 */
import type { Evidence, Finding } from '../../findings/finding.js';
import { formatPercent } from '../../util/units.js';
import type { PauseEvent } from '../model/recording.js';
import { formatWhere, hotspotLocation } from './cpu-findings.js';
import type { Hotspot } from './tables.js';

/** Thresholds of the JVM pause findings. */
export const JVM_THRESHOLDS = {
  /** GC pauses summed per 1-s window: reported from this much (clinic/Node uses the same floor). */
  gcMsPerSecond: 100,
  /** ...or from this share of the window paused in total. */
  gcShare: 0.05,
  /** A single pause this long is reported on its own. */
  longPauseMs: 200,
  /** Non-GC safepoints: reported from this share of the window. */
  safepointShare: 0.02,
} as const;

/** The worst 1-second window: pause time summed by pause midpoint. */
export function maxPauseMsPerSecond(pauses: readonly PauseEvent[]): number {
  const buckets = new Map<number, number>();
  for (const pause of pauses) {
    const second = Math.floor((pause.startMs + pause.durationMs / 2) / 1000);
    buckets.set(second, (buckets.get(second) ?? 0) + pause.durationMs);
  }
  return Math.max(0, ...buckets.values());
}

const ms = (value: number): string => `${value.toFixed(value < 10 ? 1 : 0)} ms`;

function countBy(pauses: readonly PauseEvent[], key: (p: PauseEvent) => string): string {
  const counts = new Map<string, { n: number; total: number }>();
  for (const p of pauses) {
    const entry = counts.get(key(p)) ?? { n: 0, total: 0 };
    entry.n += 1;
    entry.total += p.durationMs;
    counts.set(key(p), entry);
  }
  return [...counts]
    .sort((a, b) => b[1].total - a[1].total)
    .slice(0, 4)
    .map(([name, { n, total }]) => `${name} ×${n} (${ms(total)})`)
    .join(', ');
}

/** `gc.pressure` (JVM) from GC pause events; `allocSites` are the top allocation sites. */
export function createJvmGcFindings(
  pauses: readonly PauseEvent[],
  windowMs: number,
  allocSites: readonly Hotspot[],
): Finding[] {
  if (pauses.length === 0 || windowMs <= 0) return [];
  const total = pauses.reduce((sum, p) => sum + p.durationMs, 0);
  const share = total / windowMs;
  const worstSecond = maxPauseMsPerSecond(pauses);
  const longest = Math.max(...pauses.map((p) => p.durationMs));
  if (
    worstSecond < JVM_THRESHOLDS.gcMsPerSecond &&
    share < JVM_THRESHOLDS.gcShare &&
    longest < JVM_THRESHOLDS.longPauseMs
  )
    return [];
  const full = pauses.filter((p) =>
    /Full|Old|Major|Serial Old|PS MarkSweep/i.test(`${p.name} ${p.cause ?? ''}`),
  );
  const evidence: Evidence[] = [
    {
      label: 'GC pause time',
      value: Math.round(total),
      unit: 'ms',
      source: 'jdk.GarbageCollection',
    },
    {
      label: 'share of the window',
      value: formatPercent(share, 1),
      source: 'jdk.GarbageCollection',
    },
    {
      label: 'worst 1-s window',
      value: Math.round(worstSecond),
      unit: 'ms',
      source: 'jdk.GarbageCollection',
    },
    {
      label: 'longest pause',
      value: Math.round(longest),
      unit: 'ms',
      source: 'jdk.GarbageCollection',
    },
    {
      label: 'collections',
      value: countBy(pauses, (p) => p.name),
      source: 'jdk.GarbageCollection',
    },
    {
      label: 'causes',
      value: countBy(pauses, (p) => p.cause ?? 'unknown'),
      source: 'jdk.GarbageCollection',
    },
  ];
  for (const site of allocSites.slice(0, 3))
    evidence.push({
      label: 'allocates',
      value: `${site.functionName} at ${formatWhere(site)}: ${formatPercent(site.share, 1)} of sampled bytes`,
      source: 'jdk.ObjectAllocationSample',
    });
  const top = allocSites[0];
  return [
    {
      id: 'gc.pressure',
      area: 'gc',
      title: `JVM GC pauses: ${ms(total)} in ${(windowMs / 1000).toFixed(1)} s (up to ${ms(worstSecond)} per second, longest ${ms(longest)})`,
      severity: share >= 0.15 || longest >= 1000 ? 'high' : 'medium',
      ...(top ? { location: hotspotLocation(top) } : {}),
      impact: {
        share,
        shareOf: 'wall time',
        timeMs: total,
        description: `every Java thread was stopped ${formatPercent(share, 1)} of the window; requests in flight waited up to ${ms(longest)}`,
      },
      rootCause:
        full.length > 0
          ? 'Full (old-generation) collections run: the live heap is close to the maximum heap (-Xmx too small, a cache or a leak retains objects), so the collector compacts the whole heap while every thread waits.'
          : 'The service allocates fast, so young collections run often; each one stops every Java thread for its evacuation pause.',
      recommendation: {
        text:
          full.length > 0
            ? 'Give the heap room (-Xmx, or -XX:MaxRAMPercentage in containers) after checking the live set does not grow (a heap dump or OldObjectSample events show what is retained); allocate less at the sites listed.'
            : 'Allocate less per request at the sites listed (reuse buffers, avoid boxing and intermediate collections, stream large payloads); a larger young generation (-Xmn, or G1 -XX:MaxGCPauseMillis) trades memory for fewer pauses.',
        effort: 'medium',
      },
      evidence,
    },
  ];
}

/** `jvm.safepoint`: time every thread was stopped by safepoints other than GC. */
export function createJvmSafepointFindings(
  safepoints: readonly PauseEvent[],
  windowMs: number,
): Finding[] {
  if (safepoints.length === 0 || windowMs <= 0) return [];
  const total = safepoints.reduce((sum, p) => sum + p.durationMs, 0);
  const share = total / windowMs;
  if (share < JVM_THRESHOLDS.safepointShare) return [];
  const longest = Math.max(...safepoints.map((p) => p.durationMs));
  return [
    {
      id: 'jvm.safepoint',
      area: 'latency',
      title: `Non-GC safepoints stop the JVM ${formatPercent(share, 1)} of the time (${countBy(safepoints, (p) => p.name)})`,
      severity: share >= 0.1 ? 'high' : 'medium',
      impact: {
        share,
        shareOf: 'wall time',
        timeMs: total,
        description: `every Java thread was stopped ${ms(total)} by ${safepoints.length} safepoints that were not GC (longest ${ms(longest)})`,
      },
      rootCause:
        'VM operations that need all threads stopped run often: deoptimisation storms, class redefinition by agents, thread dumps or stack walks (monitoring that calls Thread.getAllStackTraces / jstack), or biased-lock revocation on older JVMs.',
      recommendation: {
        text: 'Check which operation dominates (listed above): reduce thread dumps and agent retransformation, fix code that deoptimises repeatedly (megamorphic call sites, class loading in the hot path); -Xlog:safepoint shows them as they happen.',
        effort: 'medium',
      },
      evidence: [
        {
          label: 'safepoint time',
          value: Math.round(total),
          unit: 'ms',
          source: 'jdk.SafepointBegin',
        },
        {
          label: 'operations',
          value: countBy(safepoints, (p) => p.name),
          source: 'jdk.ExecuteVMOperation',
        },
        { label: 'longest', value: Math.round(longest), unit: 'ms', source: 'jdk.SafepointBegin' },
      ],
    },
  ];
}
