// The JFR reader on the exporter's own line format (what jfr-exporter-source.ts writes): which
// samples are the service's and which are the recorder's. The whole path (a real JVM, recorded
// and read back by the JDK) is test/profiler/java-jfr.test.ts.
import { describe, expect, it } from 'vitest';
import { readJfrExport } from './jfr.js';

const METHODS = [
  { m: 0, c: 'shop.ShopServer', n: 'priceOf' },
  { m: 1, c: 'shop.ShopServer', n: 'handle' },
  { m: 2, c: 'jdk.jfr.internal.EventWriter', n: 'putString' },
  { m: 3, c: 'jdk.jfr.internal.handlers.EventHandler1353_1796611985318-5576', n: 'write' },
  { m: 4, c: 'jdk.jfr.events.SocketReadEvent', n: 'commit' },
  { m: 5, c: 'sun.nio.ch.SocketChannelImpl', n: 'read' },
  { m: 6, c: 'java.lang.String', n: 'charAt' },
];
const THREADS = [
  { thread: 0, name: 'HTTP-Dispatcher' },
  { thread: 1, name: 'JFR Periodic Tasks' },
];
const sample = (e: 'cpu' | 'alloc', t: number, th: number, s: number[], v?: number) =>
  JSON.stringify({ e, t, th, s, ...(v === undefined ? {} : { v, c: 'byte[]' }) });

/** Samples are aggregated by stack: their weights add up to the samples (or bytes) kept. */
const total = (samples: readonly { weight: number }[] | undefined): number =>
  (samples ?? []).reduce((sum, s) => sum + s.weight, 0);

function lines(samples: string[]): string[] {
  return [
    ...METHODS.map((m) => JSON.stringify(m)),
    ...THREADS.map((t) => JSON.stringify(t)),
    ...samples,
  ];
}

describe('readJfrExport', () => {
  it("leaves out samples running the recorder's own code on the service's threads, and says so", async () => {
    const recording = await readJfrExport(
      lines([
        // The service's hot method, three times (stacks are [method, line] pairs, leaf first).
        sample('cpu', 1000, 0, [0, 42, 1, 10]),
        sample('cpu', 1005, 0, [0, 42, 1, 10]),
        sample('cpu', 1010, 0, [0, 43, 1, 10]),
        // A socket read over its threshold commits an event on the worker: the recorder's work.
        sample('cpu', 1015, 0, [6, 1516, 2, 138, 3, 0, 4, 0, 5, 400, 1, 12]),
        sample('alloc', 1020, 0, [2, 140, 3, 0, 4, 0, 5, 400, 1, 12], 4096),
        // The recorder's own thread.
        sample('cpu', 1025, 1, [0, 42]),
      ]),
      { startMs: 1000, endMs: 2000 },
    );
    const cpu = recording.cpu;
    expect(total(cpu?.samples)).toBe(3);
    expect(cpu?.frames.map((f) => f.name)).not.toContainEqual(
      expect.stringMatching(/^jdk\.jfr\.|String\.charAt/),
    );
    expect(cpu?.frames.map((f) => f.name)).toContain('shop.ShopServer.priceOf');
    // Only the recorder's sample was allocating: no allocation profile is left.
    expect(recording.alloc).toBeUndefined();
    expect(recording.notes).toContainEqual(
      expect.stringMatching(/^2 samples ran the Flight Recorder's own code/),
    );
  });

  it('keeps every sample of a service that never ran recorder code, with no note', async () => {
    const recording = await readJfrExport(
      lines([
        sample('cpu', 1000, 0, [0, 42, 1, 10]),
        sample('cpu', 1005, 0, [6, 1516, 1, 11]),
        sample('alloc', 1010, 0, [5, 400, 1, 12], 4096),
      ]),
      { startMs: 1000, endMs: 2000 },
    );
    expect(total(recording.cpu?.samples)).toBe(2);
    expect(total(recording.alloc?.samples)).toBe(4096);
    expect(recording.notes.join('\n')).not.toMatch(/Flight Recorder's own code/);
  });
});
