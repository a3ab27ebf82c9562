/**
 * Java Flight Recorder files (`.jfr`) into a RuntimeRecording: execution samples → hot methods at
 * class.method:line, allocation samples, monitor-enter and lock-park waits, GC pauses and
 * safepoints. The recording is read by the JDK itself (jdk.jfr.consumer through a small exporter
 * run with `java`), so a JDK 11+ must be installed where Redline runs.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import { createProfileBuilder, type ProfileBuilder } from '../model/builder.js';
import type { PauseEvent, RuntimeRecording } from '../model/recording.js';
import { JFR_EXPORTER_SOURCE } from './jfr-exporter-source.js';

/** The magic number every JFR chunk starts with. */
export const JFR_MAGIC = 'FLR\0';

/** True when the bytes are a Flight Recorder file. */
export function isJfr(bytes: Uint8Array): boolean {
  return (
    Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(4, bytes.byteLength)).toString(
      'latin1',
    ) === JFR_MAGIC
  );
}

/** The `java` (or `jcmd`) of $JAVA_HOME, else the one on the PATH. */
export function jdkTool(name: 'java' | 'jcmd'): string {
  const home = process.env['JAVA_HOME'];
  return home ? join(home, 'bin', name) : name;
}

/** Threads that are the recorder's or the attach mechanism's, never the service's. */
const TOOL_THREADS = /^(JFR |Attach Listener$|RMI |Signal Dispatcher$)/;

/**
 * The recorder's own classes. Their code also runs on the service's threads: an instrumented
 * event (a socket read or file write over its threshold, an Error thrown) is committed and
 * written by the thread that raised it. A sample inside them is the recorder's cost, never the
 * service's hot code (CI once sampled `jdk.jfr.internal.EventWriter` on a worker thread).
 */
const RECORDER_CLASSES = /^(jdk\.jfr\.|jdk\.internal\.event\.)/;

/** GC operations among VM operations (their safepoints are GC pauses, reported as GC). */
const GC_OPERATION =
  /G1|GC|Collect|Parallel|Serial|Shenandoah|ZPause|ZMark|ZRelocate|Heap|Remark|Cleanup.*G1/i;

/** One line of the exporter's output. */
type ExportLine =
  | { m: number; c: string; n: string; native?: 1 }
  | { thread: number; name: string }
  | {
      e: 'cpu' | 'alloc' | 'monitor' | 'park';
      t: number;
      th: number;
      v?: number;
      c?: string;
      cut?: 1;
      s: number[];
    }
  | { e: 'gc'; t: number; d: number; sum: number; max: number; name: string; cause: string }
  | { e: 'safepoint'; t: number; d: number; id: number }
  | { e: 'vmop'; t: number; d: number; name: string; id: number }
  | { e: 'cpuload'; t: number; user: number; system: number; machine: number }
  | { e: 'cpus'; t: number; n: number };

/** A Java method as a profile frame: `com.acme.Shop.total`, file `com/acme/Shop.java`. */
function methodFrame(cls: string, method: string, native: boolean) {
  // Hidden lambda classes (`Shop$$Lambda$92+0x…/0x….123`) read as their declaring class.
  const clean = cls.replace(/\$\$Lambda[$+/.\w]*$/, '$$Lambda');
  const outer = clean.split('$')[0] as string;
  return {
    name: `${clean}.${method}`,
    file: `${outer.replace(/\./g, '/')}.java`,
    kind: native ? ('native' as const) : ('js' as const),
  };
}

/** Lock waits among parks: a thread parked inside an AQS acquire, not a pool waiting for work. */
function isLockPark(names: string[]): boolean {
  const acquires = names.some((n) =>
    /^java\.util\.concurrent\.locks\.(AbstractQueuedSynchronizer|AbstractQueuedLongSynchronizer|StampedLock)\.(acquire\w*|readLock|writeLock|acquireRead|acquireWrite)$/.test(
      n,
    ),
  );
  const waits = names.some((n) =>
    /ConditionObject\.await|ThreadPoolExecutor\.getTask|\.take$|\.poll$/.test(n),
  );
  return acquires && !waits;
}

interface Collected {
  cpu: ProfileBuilder;
  alloc: ProfileBuilder;
  contention: ProfileBuilder;
  counts: {
    cpu: number;
    alloc: number;
    monitor: number;
    park: number;
    truncated: number;
    /** Samples left out because the recorder's own code was on their stack. */
    recorder: number;
  };
  gc: PauseEvent[];
  safepoints: Map<number, { t: number; d: number; name?: string }>;
  firstMs: number;
  lastMs: number;
  cpuCount?: number;
  cpuLoad: number[];
}

/**
 * Builds the recording from the exporter's lines. `windowStartMs` (epoch) makes pause start times
 * relative to the window; without it they are relative to the first event.
 */
export async function readJfrExport(
  lines: AsyncIterable<string> | Iterable<string>,
  window?: { startMs: number; endMs: number },
): Promise<RuntimeRecording> {
  const methods = new Map<number, { name: string; file: string; kind: 'js' | 'native' }>();
  const threads = new Map<number, string>();
  const recorderMethods = new Set<number>();
  const c: Collected = {
    cpu: createProfileBuilder({ format: 'jfr', valueKind: 'cpu', unit: 'samples' }),
    alloc: createProfileBuilder({ format: 'jfr', valueKind: 'alloc', unit: 'bytes' }),
    contention: createProfileBuilder({
      format: 'jfr',
      valueKind: 'contention',
      unit: 'nanoseconds',
    }),
    counts: { cpu: 0, alloc: 0, monitor: 0, park: 0, truncated: 0, recorder: 0 },
    gc: [],
    safepoints: new Map(),
    firstMs: Number.POSITIVE_INFINITY,
    lastMs: 0,
    cpuLoad: [],
  };
  const frameIds = new Map<number, number[]>();
  const idsOf = (builder: ProfileBuilder, key: number, method: number): number => {
    let ids = frameIds.get(key);
    if (!ids) {
      ids = [];
      frameIds.set(key, ids);
    }
    let id = ids[method];
    if (id === undefined) {
      const m = methods.get(method) ?? {
        name: `method#${method}`,
        file: '',
        kind: 'native' as const,
      };
      id = builder.frame(m);
      ids[method] = id;
    }
    return id;
  };
  const builders = [c.cpu, c.alloc, c.contention];
  for await (const text of lines) {
    if (text === '') continue;
    const line = JSON.parse(text) as ExportLine;
    if ('m' in line) {
      methods.set(line.m, methodFrame(line.c, line.n, line.native === 1));
      if (RECORDER_CLASSES.test(line.c)) recorderMethods.add(line.m);
      continue;
    }
    if ('thread' in line) {
      threads.set(line.thread, line.name);
      continue;
    }
    if (line.e !== 'cpus') {
      c.firstMs = Math.min(c.firstMs, line.t);
      c.lastMs = Math.max(c.lastMs, line.t);
    }
    switch (line.e) {
      case 'cpu':
      case 'alloc':
      case 'monitor':
      case 'park': {
        if (TOOL_THREADS.test(threads.get(line.th) ?? '')) break;
        // The exporter writes [method, line] pairs: even positions are methods.
        if (line.s.some((v, i) => i % 2 === 0 && recorderMethods.has(v))) {
          c.counts.recorder += 1;
          break;
        }
        const builder = line.e === 'cpu' ? c.cpu : line.e === 'alloc' ? c.alloc : c.contention;
        const key = builders.indexOf(builder);
        const stack: number[] = [];
        const stackLines: number[] = [];
        const names: string[] = [];
        // The exporter writes [method, line] pairs, leaf first.
        for (let i = line.s.length - 2; i >= 0; i -= 2) {
          const method = line.s[i] as number;
          stack.push(idsOf(builder, key, method));
          stackLines.push(Math.max(0, line.s[i + 1] ?? 0));
          names.push(methods.get(method)?.name ?? '');
        }
        if (line.e === 'park' && !isLockPark(names)) break;
        if (line.cut) c.counts.truncated += 1;
        const leaf =
          line.e === 'alloc'
            ? `new ${line.c ?? '?'}`
            : line.e === 'monitor'
              ? `monitor ${line.c ?? '?'}`
              : line.e === 'park'
                ? `park ${line.c ?? '?'}`
                : undefined;
        if (leaf) {
          stack.push(builder.frame({ name: leaf, kind: 'native' }));
          stackLines.push(0);
        }
        builder.addSample(stack, line.e === 'cpu' ? 1 : (line.v ?? 0), stackLines, 1);
        c.counts[line.e] += 1;
        break;
      }
      case 'gc':
        c.gc.push({
          startMs: line.t,
          durationMs: line.sum / 1e6,
          name: line.name,
          cause: line.cause,
        });
        break;
      case 'safepoint': {
        const entry = c.safepoints.get(line.id) ?? { t: line.t, d: 0 };
        entry.t = line.t;
        entry.d = line.d / 1e6;
        c.safepoints.set(line.id, entry);
        break;
      }
      case 'vmop': {
        const entry = c.safepoints.get(line.id) ?? { t: line.t, d: 0 };
        entry.name = line.name;
        c.safepoints.set(line.id, entry);
        break;
      }
      case 'cpuload':
        c.cpuLoad.push(line.user + line.system);
        break;
      case 'cpus':
        c.cpuCount = line.n;
        break;
    }
  }
  return finishRecording(c, window);
}

function finishRecording(
  c: Collected,
  window?: { startMs: number; endMs: number },
): RuntimeRecording {
  const start = window?.startMs ?? (Number.isFinite(c.firstMs) ? c.firstMs : 0);
  const end = window?.endMs ?? c.lastMs;
  const durationMs = Math.max(0, end - start);
  const meta = (source: string, events: number) => ({
    source,
    events,
    threadsExcluded: 'JFR, Attach Listener',
  });
  const notes: string[] = [];
  const recording: RuntimeRecording = { runtime: 'jvm', source: 'jfr', durationMs, notes };
  if (c.counts.cpu > 0)
    recording.cpu = c.cpu.finish({
      durationMs,
      runtime: 'jvm',
      meta: meta('jdk.ExecutionSample', c.counts.cpu),
    });
  if (c.counts.alloc > 0)
    recording.alloc = c.alloc.finish({
      durationMs,
      runtime: 'jvm',
      meta: meta('jdk.ObjectAllocationSample', c.counts.alloc),
    });
  if (c.counts.monitor + c.counts.park > 0)
    recording.contention = [
      c.contention.finish({
        durationMs,
        runtime: 'jvm',
        meta: meta('jdk.JavaMonitorEnter + jdk.ThreadPark', c.counts.monitor + c.counts.park),
      }),
    ];
  const shift = (p: PauseEvent): PauseEvent => ({ ...p, startMs: p.startMs - start });
  recording.gcPauses = c.gc.map(shift);
  recording.safepoints = [...c.safepoints.values()]
    .filter((s) => s.name !== undefined && !GC_OPERATION.test(s.name) && s.d > 0)
    .map((s) => ({ startMs: s.t - start, durationMs: s.d, name: s.name as string }));
  if (c.cpuCount !== undefined) recording.cpuCount = c.cpuCount;
  if (c.cpuLoad.length > 0 && c.cpuCount !== undefined) {
    const mean = c.cpuLoad.reduce((s, v) => s + v, 0) / c.cpuLoad.length;
    recording.processCpuMs = mean * c.cpuCount * durationMs;
  }
  if (c.counts.cpu === 0)
    notes.push('no jdk.ExecutionSample events: method sampling was off or no Java code ran');
  if (c.counts.recorder > 0)
    notes.push(
      `${c.counts.recorder} samples ran the Flight Recorder's own code (jdk.jfr.*, writing its events on the service's threads) and were left out`,
    );
  if (c.counts.truncated > 0)
    notes.push(
      `${c.counts.truncated} stacks were cut at the recording's stack depth (64 frames by default; -XX:FlightRecorderOptions:stackdepth=… raises it)`,
    );
  return recording;
}

/** Runs the exporter on a file and builds the recording (optionally only a time window). */
export async function importJfrFile(
  path: string,
  window?: { startMs: number; endMs: number },
): Promise<RuntimeRecording> {
  const dir = await mkdtemp(join(tmpdir(), 'redline-jfr-'));
  const source = join(dir, 'RedlineJfrExport.java');
  await writeFile(source, JFR_EXPORTER_SOURCE);
  const args = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', source, path];
  if (window) args.push(String(Math.floor(window.startMs)), String(Math.ceil(window.endMs)));
  try {
    const child = spawn(jdkTool('java'), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    const exited = new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', resolve);
    });
    exited.catch(() => {});
    const lines = createInterface({ input: child.stdout, crlfDelay: Number.POSITIVE_INFINITY });
    let recording: RuntimeRecording;
    try {
      recording = await readJfrExport(lines, window);
    } catch (cause) {
      await exited.catch(() => null);
      throw jfrError(path, stderr, cause);
    }
    const code = await exited.catch((cause: unknown) => {
      throw jfrError(path, stderr, cause);
    });
    if (code !== 0) throw jfrError(path, stderr);
    return recording;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function jfrError(path: string, stderr: string, cause?: unknown): RedlineError {
  const missing = (cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
  if (missing) {
    return new RedlineError(
      'PROFILE_NO_JDK',
      `cannot read ${path}: no java found to read Flight Recorder files`,
      {
        exitCode: ExitCode.Unavailable,
        hint: 'Install a JDK 11 or newer (with the jdk.jfr module) or set JAVA_HOME.',
        cause,
      },
    );
  }
  return new RedlineError(
    'PROFILE_INVALID',
    `${path} could not be read as a Flight Recorder file`,
    {
      exitCode: ExitCode.DataError,
      hint: 'Check that the recording was dumped completely (jcmd <pid> JFR.dump …).',
      problems: stderr.trim().split('\n').slice(-6),
      ...(cause ? { cause } : {}),
    },
  );
}
