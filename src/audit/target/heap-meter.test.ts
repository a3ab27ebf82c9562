// Heap checkpoints read from a real Node process through its inspector: the probe's own bytes are
// taken out when it publishes them, and a reading whose probe share cannot be known is no reading.
import { type ChildProcess, spawn } from 'node:child_process';
import { afterEach, expect, it } from 'vitest';
import { PROBE_FOOTPRINT_KEY } from '../../util/probe-footprint-key.js';
import { HeapCheckpoints, readTargetHeap } from './heap-meter.js';

let child: ChildProcess | undefined;
afterEach(() => {
  child?.kill();
  child = undefined;
});

/** Starts a Node process running `setup` with an inspector on a free port; resolves `host:port`. */
function startInspected(setup: string, esm = false): Promise<string> {
  const script = `${setup}\nsetInterval(() => {}, 1000);`;
  const args = ['--inspect=127.0.0.1:0', ...(esm ? ['--input-type=module'] : []), '-e', script];
  child = spawn(process.execPath, args, {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const started = child;
  return new Promise<string>((resolve, reject) => {
    let text = '';
    started.stderr?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const match = /ws:\/\/(127\.0\.0\.1:\d+)\//.exec(text);
      if (match) resolve(match[1] as string);
    });
    started.once('exit', (code) => reject(new Error(`target exited (${code}): ${text}`)));
  });
}

const footprint = `globalThis[Symbol.for('${PROBE_FOOTPRINT_KEY}')]`;

it('reads 0 probe bytes from a process without a probe', async () => {
  const inspector = await startInspected('globalThis.keep = new Array(1000).fill(1);');
  const reading = await readTargetHeap(inspector);
  expect(reading?.probeBytes).toBe(0);
  expect(reading?.heapBytes).toBeGreaterThan(0);
});

it("takes the probe's published bytes out of the application's checkpoint", async () => {
  const inspector = await startInspected(`${footprint} = () => 1_000_000;`);
  const checkpoints = new HeapCheckpoints(inspector);
  await checkpoints.record(120);
  expect(checkpoints.points).toHaveLength(1);
  const [point] = checkpoints.points;
  expect(point?.requests).toBe(120);
  expect(point?.probeBytes).toBe(1_000_000);
  const reading = await readTargetHeap(inspector);
  expect(reading?.probeBytes).toBe(1_000_000);
  // An idle process's heap after a full GC moves by kilobytes between two readings, so the
  // checkpoint is that heap less the probe's megabyte, within a wide margin either side.
  const heap = reading?.heapBytes ?? 0;
  expect(point?.usedBytes).toBeGreaterThan(heap - 1_000_000 - 400_000);
  expect(point?.usedBytes).toBeLessThan(heap - 1_000_000 + 400_000);
});

it('records no checkpoint when the probe is there but its share cannot be read', async () => {
  const inspector = await startInspected(
    `${footprint} = () => { throw new Error('walk failed'); };`,
  );
  expect(await readTargetHeap(inspector)).toBeUndefined();
  const checkpoints = new HeapCheckpoints(inspector);
  await checkpoints.record(50);
  expect(checkpoints.points).toHaveLength(0);
});

it("records V8's count of compiled code in CommonJS and ESM programs; more code, more bytes", async () => {
  // 3,000 distinct functions, each called once (compiled to bytecode) and kept reachable.
  const compiled = `globalThis.fns = Array.from({ length: 3000 }, (_, i) => new Function('a', 'return a * ' + i + ' + ' + (i % 7)));
    for (const f of globalThis.fns) f(2);`;
  for (const esm of [false, true]) {
    const codeOf = async (setup: string) => {
      const checkpoints = new HeapCheckpoints(await startInspected(setup, esm));
      await checkpoints.record(0);
      child?.kill();
      const [point] = checkpoints.points;
      expect(point?.codeBytes, esm ? 'esm' : 'cjs').toBeGreaterThan(0);
      expect(point?.codeBytes).toBeLessThan(point?.usedBytes ?? 0);
      return point?.codeBytes ?? 0;
    };
    const bare = await codeOf('globalThis.fns = [];');
    const more = await codeOf(compiled);
    // Each function's bytecode, metadata and compiled wrapper take well over 50 bytes.
    expect(more - bare, esm ? 'esm' : 'cjs').toBeGreaterThan(3000 * 50);
  }
});

it('keeps the smaller of two readings: what was held only for a moment is not retained', async () => {
  // 16 MB held until the first forced GC has run (a FinalizationRegistry callback, a task after
  // that GC, drops it), as the service's code holds its temporaries while it runs.
  const transient = `globalThis.held = new Array(2_000_000).fill(1.5);
    globalThis.registry = new FinalizationRegistry(() => { globalThis.held = undefined; });
    globalThis.registry.register({}, 0);`;
  const reading = await readTargetHeap(await startInspected(transient));
  expect(reading?.heapBytes).toBeGreaterThan(0);
  expect(reading?.heapBytes).toBeLessThan(12_000_000);
});
