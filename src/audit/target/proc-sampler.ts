/**
 * CPU and memory of the target, read from /proc (Linux) for a process and its descendants:
 * sampled every interval during a step, summarised as mean CPU% and peak RSS.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';

/** One reading of the process tree. */
export interface ProcReading {
  /** Monotonic time of the reading, ms. */
  atMs: number;
  /** User + system CPU time of the tree so far, seconds. */
  cpuSeconds: number;
  rssBytes: number;
  /**
   * CPU seconds of each process's main thread so far, by pid: a Node process's event loop runs
   * there, so one saturated loop shows as 100 % of one core while the machine reads 1/cores.
   */
  mainThreadSeconds?: Record<number, number>;
}

/** A step's resource summary. */
export interface ProcSummary {
  /** Mean CPU over the window as a percent of all cores (100 = every core busy). */
  cpuPercent: number;
  /** Mean CPU as a percent of one core (100 = one core busy). */
  cpuPercentOfOneCore: number;
  /**
   * Mean CPU of the busiest process's main thread as a percent of one core (a Node service's
   * event loop: 94 % here is saturated even when `cpuPercent` reads 42 %). Absent without
   * per-thread readings.
   */
  mainThreadPercent?: number;
  maxRssBytes: number;
  /** Peak RSS as a percent of the memory available to the target (cgroup limit or host RAM). */
  memoryPercent: number;
  samples: ProcReading[];
}

let clockTicks: number | undefined;
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** Memory the target may use: the cgroup v2 limit when one is set below the host's RAM. */
export function memoryLimitBytes(): number {
  try {
    const text = readFileSync('/sys/fs/cgroup/memory.max', 'utf8').trim();
    const limit = Number(text);
    if (Number.isFinite(limit) && limit > 0 && limit < totalmem()) return limit;
  } catch {
    // No cgroup v2 limit: the host's memory.
  }
  return totalmem();
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  let tasks: string[] = [];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tasks) {
    try {
      const text = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
      if (text) out.push(...text.split(/\s+/).map(Number));
    } catch {
      // A thread that ended meanwhile.
    }
  }
  return out;
}

/**
 * utime + stime (ticks) of a /proc stat line; with `reaped`, plus cutime + cstime: the CPU of
 * children that ended and were waited for. A server that forks a process per connection
 * (PostgreSQL's backends) loses a closed connection's CPU from the tree otherwise.
 */
function statTicks(stat: string, reaped = false): number {
  // Fields after the command name (which may contain spaces) start at field 3 (state).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const own = Number(fields[11]) + Number(fields[12]); // utime (14) + stime (15)
  return reaped ? own + Number(fields[13]) + Number(fields[14]) : own; // cutime (16) + cstime (17)
}

/** CPU seconds of a process's main thread (its task with the process's own id). */
function mainThreadSeconds(pid: number): number | undefined {
  try {
    return statTicks(readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8')) / ticksPerSecond();
  } catch {
    return undefined;
  }
}

function readOne(pid: number): { cpuSeconds: number; rssBytes: number } | undefined {
  try {
    const ticks = statTicks(readFileSync(`/proc/${pid}/stat`, 'utf8'), true);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? 0);
    return { cpuSeconds: ticks / ticksPerSecond(), rssBytes: rssKb * 1024 };
  } catch {
    return undefined;
  }
}

/** Reads the process and its descendants (bounded to 64 processes); undefined when `pid` is gone. */
export function readProcessTree(pid: number): ProcReading | undefined {
  const root = readOne(pid);
  if (!root) return undefined;
  let { cpuSeconds, rssBytes } = root;
  const main: Record<number, number> = {};
  const noteMain = (id: number) => {
    const seconds = mainThreadSeconds(id);
    if (seconds !== undefined) main[id] = seconds;
  };
  noteMain(pid);
  const queue = childrenOf(pid);
  for (let seen = 0; queue.length > 0 && seen < 64; seen++) {
    const child = queue.shift() as number;
    const r = readOne(child);
    if (!r) continue;
    cpuSeconds += r.cpuSeconds;
    rssBytes += r.rssBytes;
    noteMain(child);
    queue.push(...childrenOf(child));
  }
  return { atMs: performance.now(), cpuSeconds, rssBytes, mainThreadSeconds: main };
}

/** Summarises readings (at least two) into mean CPU and peak memory. */
export function summarizeReadings(
  samples: readonly ProcReading[],
  cores = availableParallelism(),
  limitBytes = memoryLimitBytes(),
): ProcSummary | undefined {
  const first = samples[0];
  const last = samples[samples.length - 1];
  if (!first || !last || samples.length < 2 || last.atMs <= first.atMs) return undefined;
  const oneCore = ((last.cpuSeconds - first.cpuSeconds) * 1000 * 100) / (last.atMs - first.atMs);
  const maxRssBytes = Math.max(...samples.map((s) => s.rssBytes));
  const summary: ProcSummary = {
    cpuPercent: oneCore / cores,
    cpuPercentOfOneCore: oneCore,
    maxRssBytes,
    memoryPercent: (maxRssBytes / limitBytes) * 100,
    samples: [...samples],
  };
  // The busiest main thread over the window; a process started during the window spent all of
  // its CPU in it (start 0).
  let busiest: number | undefined;
  for (const [id, end] of Object.entries(last.mainThreadSeconds ?? {})) {
    const start = first.mainThreadSeconds?.[Number(id)] ?? 0;
    const percent = ((end - start) * 1000 * 100) / (last.atMs - first.atMs);
    busiest = Math.max(busiest ?? 0, percent);
  }
  if (busiest !== undefined) summary.mainThreadPercent = busiest;
  return summary;
}

/** Samples a process tree every `intervalMs` until stopped. */
export class ProcSampler {
  readonly #pid: number;
  readonly #samples: ProcReading[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(pid: number, intervalMs = 500) {
    this.#pid = pid;
    this.#take();
    this.#timer = setInterval(() => this.#take(), intervalMs);
    this.#timer.unref();
  }

  #take(): void {
    const r = readProcessTree(this.#pid);
    if (r) this.#samples.push(r);
  }

  /** Stops sampling and summarises the window (undefined without /proc or when the process ended). */
  stop(): ProcSummary | undefined {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#take();
    return summarizeReadings(this.#samples);
  }
}
