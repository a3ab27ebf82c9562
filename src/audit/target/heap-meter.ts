/**
 * Retained-heap checkpoints between the audit's steps: a short inspector session forces a full
 * GC in the target and reads the used heap, recorded against the requests served so far. A heap
 * that keeps growing with the traffic over the whole audit is the leak signal a short soak alone
 * cannot give. The Redline probe's own retained memory (its bounded caches, which fill up while
 * the service warms up) is subtracted: the probe publishes its size (probe/footprint.ts). Sessions are opened only between steps, never while a profile capture runs.
 * Each checkpoint also records V8's own count of compiled code (machine code and bytecode with
 * their metadata, v8.getHeapCodeStatistics()), which grows while the service warms up and which
 * the leak rule leaves out (steps/leak-check.ts).
 */
import {
  connectInspector,
  discoverDebuggerUrl,
  type InspectorClient,
} from '../../profiler/index.js';
import { PROBE_FOOTPRINT_EXPRESSION } from '../../util/probe-footprint-key.js';

/** One checkpoint: requests served by the audit so far and the heap used after a full GC. */
export interface HeapCheckpoint {
  requests: number;
  /** The application's retained heap: the used heap less the probe's own retained bytes. */
  usedBytes: number;
  /** The probe's own retained bytes, already taken out of `usedBytes` (absent without a reading). */
  probeBytes?: number;
  /**
   * Compiled code on the heap by V8's own accounting (code_and_metadata_size +
   * bytecode_and_metadata_size of v8.getHeapCodeStatistics()), still part of `usedBytes`; absent
   * when it could not be read.
   */
  codeBytes?: number;
}

/** The target's heap after a full GC, and the part of it that is the probe's own (0 without a probe). */
export interface HeapReading {
  heapBytes: number;
  probeBytes: number;
  /** Compiled code and bytecode by V8's accounting (see HeapCheckpoint.codeBytes); absent when unread. */
  codeBytes?: number;
}

/**
 * Evaluated in the target (with the inspector's command-line API, whose `require` loads Node's
 * built-ins in ESM and CommonJS programs alike): V8's compiled machine code and bytecode with their
 * metadata, in bytes. V8 walks the heap to count them: 1–3 ms on the 17–21 MB heap of a Koa
 * service, 16–28 ms on a 73 MB heap and 48–64 ms on 137 MB, below the forced full GC the
 * checkpoint already takes there (130–160 ms; bench/RESULTS.md "Leak check: warm-up growth is
 * compiled code").
 */
export const CODE_BYTES_EXPRESSION = `(() => { const s = require('node:v8').getHeapCodeStatistics(); return s.code_and_metadata_size + s.bytecode_and_metadata_size; })()`;

/**
 * Pause between the two full-GC readings of one checkpoint (the smaller is kept). With the probe's
 * report flushed every 200 ms (as the tests’ harness sets it; 1 s in an audit), 4 of 18 checkpoints of
 * leak-free Koa and Express services read 0.28–0.76 MB more than a second reading 300 ms later
 * (the others agreed within 0.1 MB; bench/leak-warmup-code.mjs REREAD_MS=300); without the probe's
 * report no such blip was seen. In test runs one such point at the end of a series read as a false
 * leak of 3,985 bytes per request at 1,000 requests, and one mid-series hid the planted leak's late
 * growth (its late slope fell under half the overall one).
 */
export const SECOND_READING_DELAY_MS = 300;

/** The number `expression` yields in the target, or undefined (an exception, a non-number). */
async function evaluateNumber(
  client: InspectorClient,
  expression: string,
  includeCommandLineAPI: boolean,
): Promise<number | undefined> {
  return client
    .send<{ result: { value?: unknown }; exceptionDetails?: unknown }>('Runtime.evaluate', {
      expression,
      returnByValue: true,
      includeCommandLineAPI,
      silent: true,
    })
    .then((reply) =>
      reply.exceptionDetails === undefined && typeof reply.result.value === 'number'
        ? reply.result.value
        : undefined,
    )
    .catch(() => undefined);
}

/**
 * Forces a full GC in the target behind `inspector` (`host:port`) and reads its heap (twice,
 * {@link SECOND_READING_DELAY_MS} apart, the smaller kept); undefined
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
      const usedAfterGc = async () => {
        await client.send('HeapProfiler.collectGarbage');
        return (await client.send<{ usedSize: number }>('Runtime.getHeapUsage')).usedSize;
      };
      // Two readings a moment apart, the smaller kept: what the service's code held only while it
      // ran (the inspector's GC can come in the middle of a task) is not retained; a leak is in both.
      const first = await usedAfterGc();
      await new Promise((resolve) => setTimeout(resolve, SECOND_READING_DELAY_MS));
      const usage = { usedSize: Math.min(first, await usedAfterGc()) };
      // The expression yields 0 without a probe; an exception or a non-number means the probe's
      // share of this heap is unknown, and charging all of it to the application could read as a
      // leak, so such a reading is no checkpoint at all.
      const probeBytes = await evaluateNumber(client, PROBE_FOOTPRINT_EXPRESSION, false);
      // Compiled code may be unreadable (another runtime); the checkpoint then goes without it.
      const codeBytes = await evaluateNumber(client, CODE_BYTES_EXPRESSION, true);
      await client.send('HeapProfiler.disable').catch(() => {});
      if (probeBytes === undefined) return undefined;
      return {
        heapBytes: usage.usedSize,
        probeBytes,
        ...(codeBytes === undefined ? {} : { codeBytes }),
      };
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
        ...(reading.codeBytes === undefined ? {} : { codeBytes: reading.codeBytes }),
      });
  }
}
