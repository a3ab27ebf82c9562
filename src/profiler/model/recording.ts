/**
 * A RuntimeRecording: what one capture of a Go, JVM or Python service holds beyond one profile —
 * several profiles of the same window (CPU, allocations, lock contention, goroutines) and the
 * runtime's own events (GC pauses, safepoints, per-thread CPU).
 */
import type { Profile, ProfiledRuntime } from './profile.js';

/** A stop-the-world pause (JVM GC pause, safepoint) inside the window. */
export interface PauseEvent {
  /** Start, in ms since the window started. */
  startMs: number;
  durationMs: number;
  /** Collector or operation name, e.g. `G1New`, `G1CollectForAllocation`. */
  name: string;
  /** Why it happened, when the runtime says (e.g. `G1 Evacuation Pause`). */
  cause?: string;
}

/** CPU one thread used in the window (Python sampler: from /proc schedstat). */
export interface ThreadUsage {
  name: string;
  cpuMs: number;
  /** Samples in which the thread had a stack. */
  samples: number;
}

/**
 * How one process's threads shared the CPU in the window (Python sampler): what tells a process
 * held back by its interpreter lock from one held back by a busy machine.
 */
export interface ProcessActivity {
  pid: number;
  durationMs: number;
  /** CPU the process used (user + system), Redline's sampler thread included. */
  cpuMs: number;
  /** CPU of Redline's own sampler thread (subtracted before judging). */
  samplerCpuMs?: number;
  /** CPUs the process may run on (its affinity). */
  cpuCount: number;
  /** Share of sampling ticks in which two or more threads wanted the CPU (ran or waited for the GIL). */
  multiThreadShare: number;
  /** Mean number of threads that wanted the CPU per tick. */
  threadsRanMean: number;
  /** CPU the sampled threads used (ms) and the time they waited runnable for a CPU (ms). */
  threadCpuMs: number;
  runQueueWaitMs: number;
  /** Idle CPUs of the whole machine over the window (cores), when /proc/stat was readable. */
  machineIdleCores?: number;
  /** Median delay of the sampler's wake-ups (ms): how long it waited for the interpreter lock. */
  samplerLagMs: number;
}

/** Everything one capture of a non-Node runtime produced, restricted to the load window. */
export interface RuntimeRecording {
  runtime: ProfiledRuntime;
  /** Where it came from: `jfr`, `pprof-http`, `python-sampler`, or a file name. */
  source: string;
  /** Length of the window in milliseconds. */
  durationMs: number;
  /** CPU samples (Go CPU profile, JFR execution samples, Python sampler CPU-weighted stacks). */
  cpu?: Profile;
  /** Sampled allocations (JFR ObjectAllocationSample, Go `allocs`). */
  alloc?: Profile;
  /** Live heap by allocation site (Go `heap` inuse_space). */
  liveHeap?: Profile;
  /** Time threads waited for locks (Go mutex/block, JFR monitor enter and lock parks). */
  contention?: Profile[];
  /** Goroutines by stack (Go goroutine profile). */
  goroutines?: Profile;
  /** Stop-the-world GC pauses (JVM). */
  gcPauses?: PauseEvent[];
  /** Safepoints that were not GC pauses (JVM). */
  safepoints?: PauseEvent[];
  /** Per-thread CPU (Python sampler). */
  threads?: ThreadUsage[];
  /** How each sampled process's threads shared the CPU (Python sampler). */
  processes?: ProcessActivity[];
  /** CPU the whole process used in the window (ms), when measured. */
  processCpuMs?: number;
  /** CPUs the process could use (os.cpu_count, availableProcessors). */
  cpuCount?: number;
  /** What could not be measured, said plainly (e.g. an empty mutex profile and why). */
  notes: string[];
}

/** The profiles of a recording, in a fixed order (for iteration). */
export function recordingProfiles(recording: RuntimeRecording): Profile[] {
  return [
    recording.cpu,
    recording.alloc,
    recording.liveHeap,
    ...(recording.contention ?? []),
    recording.goroutines,
  ].filter((p): p is Profile => p !== undefined);
}
