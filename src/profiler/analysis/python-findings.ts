/**
 * Python-only finding: threads bound by the GIL. Several threads want to run Python code, the
 * process stays at about one core although the machine has idle CPUs, and the threads were not
 * waiting for a CPU (run queue) but for the interpreter lock.
 */
import type { Finding } from '../../findings/finding.js';
import { formatPercent } from '../../util/units.js';
import { BUSY_RUN_QUEUE_RATIO } from '../import/python-sampler.js';
import type { ProcessActivity } from '../model/recording.js';
import { formatWhere, hotspotLocation } from './cpu-findings.js';
import type { Hotspot } from './tables.js';

/** Thresholds of `python.gil-bound`. */
export const GIL_THRESHOLDS = {
  /** At least this share of sampling ticks saw two or more threads use CPU. */
  multiThreadShare: 0.5,
  /** The process used between these many cores (excluding the sampler): about one. */
  minCores: 0.5,
  maxCores: 1.3,
  /** The machine had at least this many idle cores on average... */
  machineIdleCores: 0.2,
  /**
   * ...and the threads waited for a CPU (run queue) less than this fraction of their CPU time:
   * above it, waiting for a CPU and waiting for the lock cannot be told apart reliably (the same
   * level from which the sampler says its shares are less exact).
   */
  runQueueRatio: BUSY_RUN_QUEUE_RATIO,
} as const;

/** What the GIL rule concluded for one process, with the numbers it used. */
export interface GilVerdict {
  pid: number;
  cores: number;
  /** True: GIL-bound; false: not; 'unknown': the machine was too busy to tell. */
  bound: boolean | 'unknown';
  reason: string;
}

/** Judges one process (see {@link GIL_THRESHOLDS}). */
export function judgeGil(p: ProcessActivity): GilVerdict {
  const cores = p.durationMs > 0 ? (p.cpuMs - (p.samplerCpuMs ?? 0)) / p.durationMs : 0;
  const base = { pid: p.pid, cores };
  if (p.cpuCount < 2)
    return { ...base, bound: false, reason: 'one CPU: there is nothing to run in parallel' };
  const runQueue = p.threadCpuMs > 0 ? p.runQueueWaitMs / p.threadCpuMs : 0;
  const idle = p.machineIdleCores;
  const busy =
    runQueue >= GIL_THRESHOLDS.runQueueRatio ||
    (idle !== undefined && idle < GIL_THRESHOLDS.machineIdleCores);
  // One thread at a time on a machine with CPUs to spare: nothing to serialise. (On a busy
  // machine threads that wait in the run queue rarely run in the same tick either, so a low
  // share there says nothing about the lock: seen on the 2-core CI machine, 0.13 with four
  // CPU-bound threads.)
  if (p.multiThreadShare < 0.1 && !busy)
    return {
      ...base,
      bound: false,
      reason: 'rarely more than one thread wanted the CPU at a time',
    };
  if (busy) {
    return {
      ...base,
      bound: 'unknown',
      reason: `the machine was busy (${idle === undefined ? 'idle unknown' : `${idle.toFixed(2)} idle cores`}, threads waited ${runQueue.toFixed(2)} ms for a CPU per ms they ran): a one-core ceiling cannot be told from a saturated machine`,
    };
  }
  if (p.multiThreadShare < GIL_THRESHOLDS.multiThreadShare)
    return {
      ...base,
      bound: false,
      reason: 'rarely more than one thread wanted the CPU at a time',
    };
  if (cores < GIL_THRESHOLDS.minCores || cores > GIL_THRESHOLDS.maxCores)
    return {
      ...base,
      bound: false,
      reason: `the process used ${cores.toFixed(2)} cores, not about one`,
    };
  return { ...base, bound: true, reason: 'threads waited for the interpreter lock, not for a CPU' };
}

/** `python.gil-bound` for each process the rule judges bound; notes for undecidable ones. */
export function createGilFindings(
  processes: readonly ProcessActivity[],
  hotspots: readonly Hotspot[],
): { findings: Finding[]; notes: string[] } {
  const findings: Finding[] = [];
  const notes: string[] = [];
  for (const p of processes) {
    const verdict = judgeGil(p);
    if (verdict.bound === 'unknown')
      notes.push(`GIL check for process ${p.pid}: ${verdict.reason}`);
    if (verdict.bound !== true) continue;
    const top = hotspots[0];
    const share = Math.min(1, verdict.cores / p.cpuCount);
    findings.push({
      id: 'python.gil-bound',
      area: 'cpu',
      title: `Python threads share one core (GIL): ${verdict.cores.toFixed(2)} of ${p.cpuCount} CPUs used`,
      severity: p.multiThreadShare >= 0.8 ? 'high' : 'medium',
      ...(top ? { location: hotspotLocation(top) } : {}),
      impact: {
        share,
        shareOf: 'CPUs available to the process',
        description: `the process ran Python code on ${verdict.cores.toFixed(2)} cores of ${p.cpuCount} while ${p.threadsRanMean.toFixed(1)} threads wanted to run on average`,
      },
      rootCause: `Several threads run CPU-bound Python code at once, but CPython's global interpreter lock lets only one execute bytecode at a time: the threads take turns on one core while ${(p.machineIdleCores ?? 0).toFixed(1)} cores stayed idle.${top ? ` Most of that CPU is in ${top.functionName} at ${formatWhere(top)}.` : ''}`,
      recommendation: {
        text: 'Use processes for CPU-bound request work (gunicorn -w <cores>, uvicorn --workers, multiprocessing/ProcessPoolExecutor), move the hot loop into code that releases the GIL (numpy, a C/Rust extension, hashlib on large inputs), or make it cheaper; adding threads will not help. A free-threaded build (Python 3.13t) removes the lock.',
        effort: 'medium',
      },
      evidence: [
        {
          label: 'threads using CPU in the same tick',
          value: formatPercent(p.multiThreadShare, 0),
          unit: 'of ticks',
          source: 'python sampler',
        },
        {
          label: 'process CPU (sampler excluded)',
          value: Number(verdict.cores.toFixed(2)),
          unit: 'cores',
          source: 'os.times',
        },
        {
          label: 'machine idle',
          value: Number((p.machineIdleCores ?? 0).toFixed(2)),
          unit: 'cores',
          source: '/proc/stat',
        },
        {
          label: 'run-queue wait per CPU ms',
          value: Number((p.threadCpuMs > 0 ? p.runQueueWaitMs / p.threadCpuMs : 0).toFixed(2)),
          source: 'schedstat',
        },
        {
          label: 'sampler wake-up delay (median)',
          value: Number(p.samplerLagMs.toFixed(2)),
          unit: 'ms',
          source: 'python sampler',
        },
      ],
    });
  }
  return { findings, notes };
}
