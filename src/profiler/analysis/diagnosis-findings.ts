/** Findings from the service diagnosis: event loop blocked, GC pressure, I/O-bound, CPU-bound. */
import type { Finding } from '../../findings/finding.js';
import { formatPercent } from '../../util/units.js';
import type { ServiceSignals } from '../capture/signals.js';
import { summarizeGc } from '../capture/signals.js';
import { formatWhere } from './cpu-findings.js';
import { DIAGNOSIS_THRESHOLDS, type Diagnosis } from './diagnose.js';
import type { Hotspot } from './tables.js';

const ms = (value: number): string => `${value.toFixed(value < 10 ? 1 : 0)} ms`;

function topCause(hotspots: readonly Hotspot[]): string {
  const top = hotspots[0];
  if (!top) return '';
  return ` The largest CPU hot spot is ${top.functionName} at ${formatWhere(top)} (${formatPercent(top.share, 1)} of CPU).`;
}

function delayFinding(diagnosis: Diagnosis, hotspots: readonly Hotspot[]): Finding {
  const v = diagnosis.values;
  const severe = v.delayP50Ms >= 50 || v.delayMaxMs >= 500;
  const idleCpu = diagnosis.cpuUnderused
    ? ' while the CPU was not busy (synchronous I/O or waiting)'
    : '';
  return {
    id: 'event-loop.blocked',
    area: 'event-loop',
    // With stall records the maximum is the loop's own (CPU waits and forced GCs taken out), the
    // p50 is the histogram's: the title shows both maxima so the numbers never contradict.
    title:
      v.delayMaxExcludedMs === undefined
        ? `Event loop blocked under load: delay p50 ${ms(v.delayP50Ms)}, max ${ms(v.delayMaxMs)}`
        : `Event loop blocked under load: delay p50 ${ms(v.delayP50Ms)}, max ${ms(v.delayMaxRawMs)}, of its own work ${ms(v.delayMaxMs)} (CPU waits and forced GCs excluded)`,
    severity: severe ? 'high' : 'medium',
    impact: {
      timeMs: v.delayMaxMs,
      description: `every request waits up to ${ms(v.delayMaxMs)} for the event loop (p50 ${ms(v.delayP50Ms)})`,
    },
    rootCause: `Synchronous work runs on the event loop${idleCpu}, so requests queue behind it.${topCause(hotspots)}`,
    recommendation: {
      text: 'Remove the synchronous work from the request path (see the CPU hot spots): use async APIs, cache, or move CPU-heavy work to worker threads.',
      effort: 'medium',
    },
    evidence: [
      {
        label: 'event-loop delay p50',
        value: Number(v.delayP50Ms.toFixed(2)),
        unit: 'ms',
        source: 'monitorEventLoopDelay (timer period subtracted)',
      },
      v.delayMaxExcludedMs === undefined
        ? {
            label: 'event-loop delay max',
            value: Number(v.delayMaxMs.toFixed(2)),
            unit: 'ms',
            source: 'monitorEventLoopDelay (timer period subtracted)',
          }
        : {
            label: 'event-loop delay max (the loop’s own)',
            value: Number(v.delayMaxMs.toFixed(2)),
            unit: 'ms',
            source: `stall timer: measured ${ms(v.delayMaxRawMs)}, of which ${ms(v.delayMaxExcludedMs)} waiting for a CPU or in GCs Redline forced`,
          },
      {
        label: 'event-loop utilisation (median)',
        value: formatPercent(v.eluMedian, 0),
        source: 'eventLoopUtilization',
      },
      {
        label: 'thresholds',
        value: `p50 ≥ ${DIAGNOSIS_THRESHOLDS.delayMedianMs} ms or max ≥ ${DIAGNOSIS_THRESHOLDS.delayMaxMs} ms or ELU ≥ ${formatPercent(DIAGNOSIS_THRESHOLDS.eluMedian, 0)}`,
      },
    ],
  };
}

function gcFinding(diagnosis: Diagnosis, signals: ServiceSignals): Finding {
  const v = diagnosis.values;
  const byKind = summarizeGc(signals.gc.filter((e) => !e.forced));
  const oldSpace = byKind.major.totalMs >= byKind.minor.totalMs;
  return {
    id: 'gc.pressure',
    area: 'gc',
    title: `GC pressure: up to ${ms(v.gcMaxMsPerSecond)} of GC pauses per second`,
    severity: v.gcMaxMsPerSecond >= 300 ? 'high' : 'medium',
    impact: {
      share: v.gcShareOfTime,
      shareOf: 'wall time',
      description: `${formatPercent(v.gcShareOfTime, 1)} of the time in GC pauses`,
    },
    rootCause: oldSpace
      ? 'Most pause time is in full (mark-compact) collections: the old generation is large or growing (retained objects, possibly a leak).'
      : 'Most pause time is in scavenges: the service allocates many short-lived objects per request.',
    recommendation: {
      text: 'Allocate less per request (reuse buffers, avoid intermediate arrays and strings, stream large payloads); if the heap grows, look for retained objects (memory findings).',
      effort: 'medium',
    },
    evidence: [
      {
        label: 'max GC pause per 1-s window',
        value: Number(v.gcMaxMsPerSecond.toFixed(1)),
        unit: 'ms',
        source: 'PerformanceObserver gc',
      },
      { label: 'scavenges', value: `${byKind.minor.count} (${ms(byKind.minor.totalMs)})` },
      { label: 'mark-compacts', value: `${byKind.major.count} (${ms(byKind.major.totalMs)})` },
      { label: 'threshold', value: `≥ ${DIAGNOSIS_THRESHOLDS.gcMsPerSecond} ms per second` },
    ],
  };
}

/** Findings for a diagnosis (none for a healthy, data-less or unclear one). */
export function createDiagnosisFindings(
  diagnosis: Diagnosis,
  signals: ServiceSignals,
  hotspots: readonly Hotspot[],
): Finding[] {
  const v = diagnosis.values;
  const findings: Finding[] = [];
  if (diagnosis.category === 'data') return findings;
  if (diagnosis.delayIssue || diagnosis.eluIssue) findings.push(delayFinding(diagnosis, hotspots));
  if (diagnosis.gcIssue) findings.push(gcFinding(diagnosis, signals));
  if (diagnosis.category === 'io') {
    findings.push({
      id: 'service.io-bound',
      area: 'throughput',
      title: `I/O-bound: CPU p90 ${formatPercent(v.cpuP90, 0)} of a core under load`,
      severity: 'low',
      rootCause:
        'The process mostly waits (network, database, disk, timers, or a light load) instead of computing; CPU is not what limits throughput.',
      recommendation: {
        text: 'Look at what requests wait for: database queries and downstream calls (redline probe / db analysis), connection pool sizes, and sequential awaits that could run in parallel.',
        effort: 'medium',
      },
      evidence: [
        {
          label: 'CPU p90 (fraction of one core)',
          value: Number(v.cpuP90.toFixed(2)),
          source: 'process.cpuUsage',
        },
      ],
    });
  }
  if (diagnosis.category === 'cpu') {
    findings.push({
      id: 'service.cpu-bound',
      area: 'cpu',
      title: `CPU-bound: the process uses ${formatPercent(v.cpuP90, 0)} of a core (p90) while the loop stays responsive`,
      severity: 'info',
      rootCause: `Throughput is limited by CPU.${topCause(hotspots)}`,
      recommendation: {
        text: 'Reduce CPU per request (hot spots), or run more processes (cluster, containers) or worker threads.',
        effort: 'medium',
      },
      evidence: [
        {
          label: 'CPU p90 (fraction of one core)',
          value: Number(v.cpuP90.toFixed(2)),
          source: 'process.cpuUsage',
        },
      ],
    });
  }
  return findings;
}
