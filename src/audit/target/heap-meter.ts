/**
 * Retained-heap checkpoints between the audit's steps: a short inspector session forces a full
 * GC in the target and reads the used heap, recorded against the requests served so far. A heap
 * that keeps growing with the traffic over the whole audit is the leak signal a short soak alone
 * cannot give. The Redline probe's own retained memory (its bounded caches, which fill up while
 * the service warms up) is subtracted: the probe publishes its size (probe/footprint.ts). Sessions are opened only between steps, never while a profile capture runs.
 */
import { connectInspector, discoverDebuggerUrl } from '../../profiler/index.js';
import { PROBE_FOOTPRINT_EXPRESSION } from '../../util/probe-footprint-key.js';

/** One checkpoint: requests served by the audit so far and the heap used after a full GC. */
export interface HeapCheckpoint {
  requests: number;
  /** The application's retained heap: the used heap less the probe's own retained bytes. */
  usedBytes: number;
  /** The probe's own retained bytes, already taken out of `usedBytes` (absent without a reading). */
  probeBytes?: number;
}

/** The target's heap after a full GC, and the part of it that is the probe's own (0 without a probe). */
export interface HeapReading {
  heapBytes: number;
  probeBytes: number;
}

/**
 * Forces a full GC in the target behind `inspector` (`host:port`) and reads its heap; undefined
 * when the target cannot be reached or the probe's own share cannot be read (never a guess of 0).
 */
export async function readTargetHeap(inspector: string): Promise<HeapReading | undefined> {
  const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(inspector);
  if (!match) return undefined;
  try {
    const url = await discoverDebuggerUrl(match[1] as string, Number(match[2]), 3000);
    const client = await connectInspector(url, 3000);
    try {
      await client.send('HeapProfiler.enable');
      await client.send('HeapProfiler.collectGarbage');
      const usage = await client.send<{ usedSize: number }>('Runtime.getHeapUsage');
      // The expression yields 0 without a probe; an exception or a non-number means the probe's
      // share of this heap is unknown, and charging all of it to the application could read as a
      // leak, so such a reading is no checkpoint at all.
      const probeBytes = await client
        .send<{ result: { value?: unknown }; exceptionDetails?: unknown }>('Runtime.evaluate', {
          expression: PROBE_FOOTPRINT_EXPRESSION,
          returnByValue: true,
          silent: true,
        })
        .then((reply) =>
          reply.exceptionDetails === undefined && typeof reply.result.value === 'number'
            ? reply.result.value
            : undefined,
        )
        .catch(() => undefined);
      await client.send('HeapProfiler.disable').catch(() => {});
      if (probeBytes === undefined) return undefined;
      return { heapBytes: usage.usedSize, probeBytes };
    } finally {
      await client.close();
    }
  } catch {
    return undefined;
  }
}

/**
 * Forces a full GC in the target and returns its retained heap less the probe's own retained
 * bytes (the application's retained heap), or undefined.
 */
export async function measureRetainedHeap(inspector: string): Promise<number | undefined> {
  const reading = await readTargetHeap(inspector);
  return reading && reading.heapBytes - reading.probeBytes;
}

/** Collects checkpoints as steps finish. */
export class HeapCheckpoints {
  readonly #inspector: string;
  #requests = 0;
  readonly points: HeapCheckpoint[] = [];

  constructor(inspector: string) {
    this.#inspector = inspector;
  }

  /** Adds `requests` served by the step that just ended and takes a checkpoint. */
  async record(requests: number): Promise<void> {
    this.#requests += requests;
    const reading = await readTargetHeap(this.#inspector);
    if (reading)
      this.points.push({
        requests: this.#requests,
        usedBytes: reading.heapBytes - reading.probeBytes,
        probeBytes: reading.probeBytes,
      });
  }
}
