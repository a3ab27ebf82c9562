/**
 * The probe's footprint estimate against the measured heap growth of real filled structures
 * (forced full GCs before and after): within the bounds the leak rule's uncertainty allows.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { CacheTracker } from './detectors/cache-candidate.js';
import { probeFootprintBytes, registerFootprint } from './footprint.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

function heapUsed(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

const kept: unknown[] = [];

/** Measured growth and the estimate's growth while `fill` builds a structure the probe counts. */
function measure(fill: () => unknown): { measured: number; estimated: number } {
  const before = heapUsed();
  const estimatedBefore = probeFootprintBytes();
  kept.push(fill());
  const measured = heapUsed() - before;
  return { measured, estimated: probeFootprintBytes() - estimatedBefore };
}

describe('probe footprint estimate', () => {
  it('a cache tracker with 4,000 (query, parameters) pairs: estimate within 0.5–1.5× of the measured growth', () => {
    const { measured, estimated } = measure(() => {
      const tracker = new CacheTracker();
      for (let i = 0; i < 4000; i++)
        tracker.note(
          'SELECT name FROM authors WHERE id = $1',
          `[${i}]`,
          'SELECT name FROM authors WHERE id = $1',
          'GET /items/:id',
          i,
          1,
          1000,
          () => undefined,
        );
      return tracker;
    });
    expect(measured).toBeGreaterThan(100_000);
    expect(estimated / measured).toBeGreaterThan(0.5);
    expect(estimated / measured).toBeLessThan(1.5);
  });

  it('a registered map of 5,000 query texts to plain objects: estimate within 0.5–1.5×', () => {
    const { measured, estimated } = measure(() => {
      const map = new Map<string, object>();
      registerFootprint(() => map);
      for (let i = 0; i < 5000; i++)
        map.set(`SELECT id FROM t WHERE id = ${i}`.normalize(), { sql: 'x', n: i, cols: ['a'] });
      return map;
    });
    expect(measured).toBeGreaterThan(100_000);
    expect(estimated / measured).toBeGreaterThan(0.5);
    expect(estimated / measured).toBeLessThan(1.5);
  });
});
