/**
 * Retained-heap checkpoints between the audit's steps: a short inspector session forces a full
 * GC in the target and reads the used heap, recorded against the requests served so far. A heap
 * that keeps growing with the traffic over the whole audit is the leak signal a short soak alone
 * cannot give. Sessions are opened only between steps, never while a profile capture runs.
 */
import { connectInspector, discoverDebuggerUrl } from '../../profiler/index.js';

/** One checkpoint: requests served by the audit so far and the heap used after a full GC. */
export interface HeapCheckpoint {
  requests: number;
  usedBytes: number;
}

/** Forces a full GC in the target behind `inspector` (`host:port`) and returns the used heap, or undefined. */
export async function measureRetainedHeap(inspector: string): Promise<number | undefined> {
  const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(inspector);
  if (!match) return undefined;
  try {
    const url = await discoverDebuggerUrl(match[1] as string, Number(match[2]), 3000);
    const client = await connectInspector(url, 3000);
    try {
      await client.send('HeapProfiler.enable');
      await client.send('HeapProfiler.collectGarbage');
      const usage = await client.send<{ usedSize: number }>('Runtime.getHeapUsage');
      await client.send('HeapProfiler.disable').catch(() => {});
      return usage.usedSize;
    } finally {
      await client.close();
    }
  } catch {
    return undefined;
  }
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
    const usedBytes = await measureRetainedHeap(this.#inspector);
    if (usedBytes !== undefined) this.points.push({ requests: this.#requests, usedBytes });
  }
}
