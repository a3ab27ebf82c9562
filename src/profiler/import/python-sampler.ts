/**
 * Reads the files Redline's Python sampler writes (`python-<pid>-<n>.json`, see
 * capture/python-sampler-source.ts) into a RuntimeRecording: a CPU profile (each stack weighed by
 * samples in which the thread wanted the CPU), per-thread CPU, and how each process's threads
 * shared the CPU.
 */
import { createProfileBuilder } from '../model/builder.js';
import type { Profile } from '../model/profile.js';
import type { ProcessActivity, RuntimeRecording, ThreadUsage } from '../model/recording.js';
import {
  createInvalidProfileError,
  hasSuffix,
  type Importer,
  parseJsonProfile,
  textPrefix,
} from './importer.js';

/** Run-queue wait per ms of CPU from which the machine counts as saturated for a process. */
export const SATURATED_RUN_QUEUE_RATIO = 0.5;

/**
 * Run-queue wait per ms of CPU from which shares are said to be less exact. Measured on the
 * 2-core test machine with the planted hot loop (test/profiler/python-sampler.test.ts): the
 * sampled share missed the loop's own measurement by about the ratio itself (0.25 wait per ms
 * → 0.66 sampled vs 0.92 measured), and stayed within 0.15 below 0.1.
 */
export const BUSY_RUN_QUEUE_RATIO = 0.1;

/** The `format` marker of a sampler file. */
export const PYTHON_SAMPLER_FORMAT = 'redline-python-sampler';

/** One sampler file as written by the Python side. */
export interface PythonSamplerFile {
  format: typeof PYTHON_SAMPLER_FORMAT;
  version: number;
  pid: number;
  python: string;
  interval_ms: number;
  started_ms: number;
  duration_ms: number;
  process_cpu_ms: number;
  sampler_cpu_ms: number | null;
  cpu_count: number;
  cpu_source: 'schedstat' | 'none';
  machine_idle_cores: number | null;
  thread_cpu_ms: number;
  runq_wait_ms: number;
  ticks: number;
  lag_p50_ms: number;
  threads_ran_mean: number;
  multi_thread_share: number;
  /** Threads running or waiting for the GIL per tick, and the share of ticks with two or more. */
  threads_wanting_cpu_mean: number;
  wanting_cpu_multi_share: number;
  /** [name, file, first line] */
  frames: Array<[string, string, number]>;
  threads: Array<{ name: string; cpu_ms: number; samples: number }>;
  /** `frames`: [frame, line, frame, line, …], leaf first. */
  /**
   * `samples`: ticks with this stack; `active`: those in which the thread wanted the CPU (running
   * or waiting for the GIL); `cpu_ns`: CPU it used since the tick before (at most one tick).
   */
  stacks: Array<{
    thread: number;
    frames: number[];
    samples: number;
    active: number;
    cpu_ns: number;
  }>;
}

function check(file: PythonSamplerFile, name: string): void {
  if (
    file?.format !== PYTHON_SAMPLER_FORMAT ||
    !Array.isArray(file.frames) ||
    !Array.isArray(file.stacks)
  )
    throw createInvalidProfileError(
      'Redline Python sampler file',
      name,
      'frames or stacks are missing',
    );
}

/**
 * Converts sampler files (one per process) into one recording. With per-thread CPU the profile
 * counts samples of threads that wanted the CPU; without /proc it counts every thread's samples.
 */
export function importFromPythonSampler(
  files: readonly PythonSamplerFile[],
  fileName = 'python-sampler',
): RuntimeRecording {
  if (files.length === 0)
    throw createInvalidProfileError(
      'Redline Python sampler file',
      fileName,
      'no process was sampled',
    );
  for (const file of files) check(file, fileName);
  const byCpu = files.every((f) => f.cpu_source === 'schedstat');
  const builder = createProfileBuilder({
    format: 'python-sampler',
    valueKind: byCpu ? 'cpu' : 'wall',
    unit: 'samples',
  });
  const threads = new Map<string, ThreadUsage>();
  const processes: ProcessActivity[] = [];
  let durationMs = 0;
  let samples = 0;
  for (const file of files) {
    durationMs = Math.max(durationMs, file.duration_ms);
    const frameIds = file.frames.map(([name, path, line]) =>
      builder.frame({ name, file: path, line, kind: 'js' }),
    );
    for (const stack of file.stacks) {
      const ids: number[] = [];
      const lines: number[] = [];
      for (let i = stack.frames.length - 2; i >= 0; i -= 2) {
        const id = frameIds[stack.frames[i] as number];
        if (id === undefined) continue;
        ids.push(id);
        lines.push(stack.frames[i + 1] ?? 0);
      }
      const weight = byCpu ? stack.active : stack.samples;
      samples += stack.samples;
      builder.addSample(ids, weight, lines, stack.samples);
    }
    for (const row of file.threads) {
      const usage = threads.get(row.name) ?? { name: row.name, cpuMs: 0, samples: 0 };
      usage.cpuMs += row.cpu_ms;
      usage.samples += row.samples;
      threads.set(row.name, usage);
    }
    const activity: ProcessActivity = {
      pid: file.pid,
      durationMs: file.duration_ms,
      cpuMs: file.process_cpu_ms,
      cpuCount: file.cpu_count,
      multiThreadShare: file.wanting_cpu_multi_share,
      threadsRanMean: file.threads_wanting_cpu_mean,
      threadCpuMs: file.thread_cpu_ms,
      runQueueWaitMs: file.runq_wait_ms,
      samplerLagMs: file.lag_p50_ms,
    };
    if (file.sampler_cpu_ms !== null) activity.samplerCpuMs = file.sampler_cpu_ms;
    if (file.machine_idle_cores !== null) activity.machineIdleCores = file.machine_idle_cores;
    processes.push(activity);
  }
  const cpu: Profile = builder.finish({
    durationMs,
    runtime: 'python',
    period: 1,
    meta: {
      source: 'redline python sampler',
      python: files[0]?.python ?? '',
      processes: files.length,
      samples,
    },
  });
  const notes: string[] = [];
  if (!byCpu)
    notes.push(
      'per-thread CPU was not readable (/proc/self/task/*/schedstat): the profile counts wall-clock samples of every thread, waiting ones included',
    );
  for (const p of processes) {
    const ratio = p.threadCpuMs > 0 ? p.runQueueWaitMs / p.threadCpuMs : 0;
    if (ratio >= BUSY_RUN_QUEUE_RATIO)
      notes.push(
        `process ${p.pid}: the machine's CPUs were ${ratio >= SATURATED_RUN_QUEUE_RATIO ? 'saturated' : 'busy'} (its threads waited ${ratio.toFixed(2)} ms for a CPU per ms they ran): samples lean towards where threads wake up (after I/O), so shares are less exact than usual`,
      );
  }
  const captured = processes.reduce((sum, p) => sum + p.threadCpuMs, 0);
  const used = processes.reduce((sum, p) => sum + p.cpuMs - (p.samplerCpuMs ?? 0), 0);
  if (byCpu && used > 0 && captured / used < 0.5)
    notes.push(
      `threads observed by the sampler account for ${Math.round((captured / used) * 100)} % of the CPU the process used: threads that live shorter than the sampling interval (a thread per request) are seen less often than long-lived ones`,
    );
  const recording: RuntimeRecording = {
    runtime: 'python',
    source: 'python-sampler',
    durationMs,
    cpu,
    threads: [...threads.values()].sort((a, b) => b.cpuMs - a.cpuMs),
    processes,
    processCpuMs: processes.reduce((sum, p) => sum + p.cpuMs, 0),
    notes,
  };
  const cpuCount = files[0]?.cpu_count;
  if (cpuCount !== undefined) recording.cpuCount = cpuCount;
  return recording;
}

/** Detects a sampler file by its format marker. */
export const pythonSamplerImporter: Pick<Importer, 'description' | 'detect'> = {
  description: 'Redline Python sampler JSON (python-<pid>-<n>.json): redline profile -- python …',
  detect(fileName, bytes) {
    if (!textPrefix(bytes, 256).includes(`"format": "${PYTHON_SAMPLER_FORMAT}"`)) return null;
    return hasSuffix(fileName, '.json') ? 1 : 0.9;
  },
};

/** Parses the bytes of one sampler file. */
export function parsePythonSamplerFile(bytes: Uint8Array, fileName: string): PythonSamplerFile {
  const parsed = parseJsonProfile(
    bytes,
    'Redline Python sampler file',
    fileName,
  ) as PythonSamplerFile;
  check(parsed, fileName);
  return parsed;
}
