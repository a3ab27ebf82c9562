import { describe, expect, it } from 'vitest';
import { createExecutionTuple } from './execution-segment.js';
import { ShardPart } from './segment.js';

/** Every (segment, shard) part of `sequence` run with `shards` shards per process. */
function partsOf(sequence: string, shards: number): ShardPart[] {
  const points = sequence.split(',');
  return points.slice(1).flatMap((to, i) => {
    const tuple = createExecutionTuple(`${points[i]}:${to}`, sequence);
    return Array.from({ length: shards }, (_, k) => new ShardPart(k, shards, tuple));
  });
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('ShardPart: execution segment × shard stripe', () => {
  for (const sequence of ['0,1', '0,1/4,1/2,3/4,1', '0,1/3,2/3,1', '0,1/10,1']) {
    for (const shards of [1, 2, 3]) {
      it(`${sequence} with ${shards} shard(s): counts add up and slots partition the whole`, () => {
        const parts = partsOf(sequence, shards);
        for (let total = 0; total <= 60; total++) {
          // A VU target of a ramping-vus stage, the VUs of any executor, shared iterations.
          const counts = parts.map((p) => p.count(total));
          expect(counts.reduce((s, c) => s + c, 0)).toBe(total);
          // Arrival-rate slots: each part's first `count` slots are exactly 0..total-1.
          const slots = parts.flatMap((p, i) => range(counts[i]!).map((l) => p.index(l)));
          expect(slots.sort((a, b) => a - b)).toEqual(range(total));
        }
      });

      it(`${sequence} with ${shards} shard(s): shared-iterations gives iterations only where a VU is`, () => {
        for (const vus of [1, 2, 3, 5, 8]) {
          for (const iterations of [vus, 17, 40]) {
            const parts = partsOf(sequence, shards).map((p) => p.sharedBy(vus));
            for (const tuple of new Set(parts.map((p) => p.tuple))) {
              const mine = parts.filter((p) => p.tuple === tuple);
              const processVus = tuple.scale(vus);
              expect(mine.reduce((s, p) => s + p.count(vus), 0)).toBe(processVus);
              // A process without a VU runs nothing (as in k6; docs/options.md says so).
              if (processVus === 0) continue;
              // A process with a VU runs all its iterations, on shards that have a VU.
              const ran = mine.filter((p) => p.count(vus) > 0);
              expect(ran.reduce((s, p) => s + p.count(iterations), 0)).toBe(
                tuple.scale(iterations),
              );
              for (const p of mine) if (p.count(vus) === 0) expect(p.count(iterations)).toBe(0);
              const slots = ran.flatMap((p) => range(p.count(iterations)).map((l) => p.index(l)));
              const expected = range(tuple.scale(iterations)).map((l) => tuple.globalIndex(l));
              expect(slots.sort((x, y) => x - y)).toEqual(expected);
            }
          }
        }
      });
    }
  }
});
