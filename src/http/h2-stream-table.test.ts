import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StreamTable } from './h2-stream-table.js';

describe('StreamTable', () => {
  it('answers as a Map would for any sequence of opens and closes, slow streams included', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: 1, max: 8 }), fc.constant(100_000)),
        // true: open the next stream id; a number: close the stream at that position of the open ones.
        fc.array(fc.oneof(fc.constant(true), fc.nat(40)), { maxLength: 400 }),
        (concurrency, ops) => {
          const table = new StreamTable<{ id: number }>(concurrency);
          const model = new Map<number, { id: number }>();
          let nextId = 1;
          for (const op of ops) {
            if (op === true) {
              const entry = { id: nextId };
              nextId += 2;
              table.add(entry);
              model.set(entry.id, entry);
            } else if (model.size > 0) {
              const id = [...model.keys()][op % model.size]!;
              expect(table.delete(id)).toBe(true);
              model.delete(id);
            }
            expect(table.delete(nextId + 100)).toBe(false);
            expect(table.size).toBe(model.size);
          }
          for (let id = 1; id < nextId + 4; id += 2) expect(table.get(id)).toBe(model.get(id));
          expect(table.values()).toEqual([...model.values()]);
          table.clear();
          expect(table.size).toBe(0);
          expect(table.values()).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps a stream that outlives many newer ones sharing its slot (overflow)', () => {
    const table = new StreamTable<{ id: number }>(1);
    const slow = { id: 1 };
    table.add(slow);
    // 16 slots: stream 33 (33 >>> 1 = 16) maps to the slow stream's slot 0.
    for (let id = 3; id <= 99; id += 2) {
      table.add({ id });
      expect(table.get(id)?.id).toBe(id);
      expect(table.delete(id)).toBe(true);
    }
    expect(table.get(1)).toBe(slow);
    expect(table.size).toBe(1);
    expect(table.delete(1)).toBe(true);
    expect(table.get(1)).toBeUndefined();
    expect(table.size).toBe(0);
  });
});
