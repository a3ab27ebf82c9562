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
function startInspected(setup: string): Promise<string> {
  const script = `${setup}\nsetInterval(() => {}, 1000);`;
  child = spawn(process.execPath, ['--inspect=127.0.0.1:0', '-e', script], {
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
