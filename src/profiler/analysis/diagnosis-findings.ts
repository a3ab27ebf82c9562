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
      v.delayP50Ms === v.delayP50RawMs
        ? {
            label: 'event-loop delay p50',
            value: Number(v.delayP50Ms.toFixed(2)),
            unit: 'ms',
            source: 'event-loop delay histogram (timer period subtracted)',
          }
        : {
            label: 'event-loop delay p50 (the loop’s own)',
            value: Number(v.delayP50Ms.toFixed(2)),
            unit: 'ms',
            source: `stall timer, CPU waits excluded (histogram: ${ms(v.delayP50RawMs)})`,
          },
      v.delayMaxExcludedMs === undefined
        ? {
            label: 'event-loop delay max',
            value: Number(v.delayMaxMs.toFixed(2)),
            unit: 'ms',
            source: 'event-loop delay histogram (timer period subtracted)',
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
        source:
          v.gcMaxMsPerSecond === v.gcMaxMsPerSecondRaw
            ? 'PerformanceObserver gc'
            : `PerformanceObserver gc, CPU waits inside the pauses excluded (as measured: ${ms(v.gcMaxMsPerSecondRaw)})`,
      },
      { label: 'scavenges', value: `${byKind.minor.count} (${ms(byKind.minor.totalMs)})` },
      { label: 'mark-compacts', value: `${byKind.major.count} (${ms(byKind.major.totalMs)})` },
      { label: 'threshold', value: `≥ ${DIAGNOSIS_THRESHOLDS.gcMsPerSecond} ms per second` },
    ],
  };
}

/**
 * A note (severity info) when the machine was too busy to judge: the wall-time measures crossed a
 * threshold only because the service waited for a CPU. It names what could not be judged and
 * the service's own numbers, and blames nothing in the code.
 */
function machineBusyNote(diagnosis: Diagnosis): Finding {
  const v = diagnosis.values;
  const t = DIAGNOSIS_THRESHOLDS;
  const measured: string[] = [];
  if (v.delayP50RawMs >= t.delayMedianMs && !diagnosis.delayIssue)
    measured.push(`loop delay p50 ${ms(v.delayP50RawMs)} (its own ${ms(v.delayP50Ms)})`);
  if (v.delayMaxRawMs >= t.delayMaxMs && !diagnosis.delayIssue)
    measured.push(`loop delay max ${ms(v.delayMaxRawMs)} (its own ${ms(v.delayMaxMs)})`);
  if (v.eluMedianRaw >= t.eluMedian && !diagnosis.eluIssue)
    measured.push(
      `event-loop utilisation ${formatPercent(v.eluMedianRaw, 0)} (its own ${formatPercent(v.eluMedian, 0)})`,
    );
  if (v.gcMaxMsPerSecondRaw >= t.gcMsPerSecond && !diagnosis.gcIssue)
    measured.push(
      `GC pauses ${ms(v.gcMaxMsPerSecondRaw)} per second (its own ${ms(v.gcMaxMsPerSecond)})`,
    );
  const waited = formatPercent(v.runQueueShare ?? 0, 0);
  return {
    id: 'capture.machine-busy',
    area: 'event-loop',
    title: `Machine busy: the service waited for a CPU ${waited} of the time, so loop delay and GC could not be judged beyond its own numbers`,
    severity: 'info',
    rootCause: `Measured in wall time: ${measured.join('; ')}. The difference is time the main thread was ready to run but the machine gave its CPU to other processes; the service's own numbers stay under the thresholds, so nothing is blamed on its code.`,
    recommendation: {
      text: 'Profile again on a machine with free cores (or fewer concurrent jobs) to judge the event loop and GC; the CPU hot spots (samples of CPU time) are unaffected.',
      effort: 'low',
    },
    evidence: [
      {
        label: 'main thread waiting for a CPU',
        value: waited,
        source: 'Linux schedstat run-queue delay',
      },
    ],
  };
}

/** Evidence label of {@link notMeasurableNote} that lists the rules it could not judge. */
export const NOT_JUDGED_LABEL = 'rules not judged';

/**
 * A note (severity info) naming the rules the run could not judge either way: the machine starved
 * the service and the evidence is too thin (Diagnosis.notMeasurable), so the report says "not
 * measurable" rather than staying silent, which would read as clean. Undefined when there are none.
 */
export function notMeasurableNote(
  diagnosis: Diagnosis,
  rules: readonly string[] = diagnosis.notMeasurable,
): Finding | undefined {
  if (rules.length === 0) return undefined;
  const v = diagnosis.values;
  const t = DIAGNOSIS_THRESHOLDS;
  const what: string[] = [];
  if (v.threadCpuMs !== undefined && v.threadCpuMs < t.minStarvedOwnCpuMs)
    what.push(
      `the main thread had ${ms(v.threadCpuMs)} of CPU in the whole window, less than the ${ms(t.minStarvedOwnCpuMs)} it takes to tell a 100 ms block or 100 ms of GC per second from their absence`,
    );
  else if (v.samples < t.minSamples) what.push(`only ${v.samples} samples were taken`);
  if (rules.includes('event-loop.blocked') && v.delayMaxUnjudgedMs !== undefined)
    what.push(
      `a loop stall of ${ms(v.delayMaxUnjudgedMs)} the main thread slept through with no cause Redline could see (not on the CPU, no helper thread waiting for one, no GC)`,
    );
  if (rules.includes('gc.pressure') && v.gcUnjudgedWindows > 0)
    what.push(
      `${v.gcUnjudgedWindows} one-second GC windows left the service under ${formatPercent(t.minAvailableShare, 0)} of their time`,
    );
  const waited = formatPercent(v.runQueueShare ?? 0, 0);
  return {
    id: 'capture.not-measurable',
    area: 'event-loop',
    title: `Not measurable on this run: ${rules.join(', ')} (the service waited for a CPU ${waited} of the time)`,
    severity: 'info',
    rootCause: `The machine starved the service, and what these rules read was too thin to decide either way: ${what.join('; ')}. Neither a problem nor its absence is reported for them.`,
    recommendation: {
      text: 'Profile again on a machine with free cores (or fewer concurrent jobs) to judge these rules; the CPU hot spots (samples of CPU time) are unaffected.',
      effort: 'low',
    },
    evidence: [
      { label: NOT_JUDGED_LABEL, value: rules.join(', ') },
      {
        label: 'main thread waiting for a CPU',
        value: waited,
        source: 'Linux schedstat run-queue delay',
      },
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
  // A loop is blocked when requests wait for it (delay). A utilisation near 100 % with a small
  // delay is a loop kept busy by the load and still answering at once: under a closed-loop load
  // test every healthy Node service gets there (calibration case big-dependency-legit: ELU 0.84-0.94,
  // delay p50 0 ms, max 4-31 ms, on a quiet machine). That is capacity (the CPU diagnosis), not
  // "blocked".
  if (diagnosis.delayIssue) findings.push(delayFinding(diagnosis, hotspots));
  if (diagnosis.gcIssue) findings.push(gcFinding(diagnosis, signals));
  if (diagnosis.machineBusy) findings.push(machineBusyNote(diagnosis));
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
