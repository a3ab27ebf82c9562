/**
 * The probe's footprint estimate against the measured heap growth of real filled structures
 * (forced full GCs before and after): within the bounds the leak rule's uncertainty allows.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { normalizeCache, normalizeSql } from '../db/sql/normalize.js';
import { CacheTracker } from './detectors/cache-candidate.js';
import { probeFootprintBytes, recentWalkAgeMs, registerFootprint } from './footprint.js';
// Registers the recorder's structures, normalizeSql's cache among them.
import './recorder.js';

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
  // V8's heap moves by a few hundred kB between two readings whatever the test does (code
  // compiled or flushed, feedback vectors): 128–799 kB locally for the same 4,000-pair tracker,
  // and CI once read 1.92× on a 5,000-entry map. The structures below are several MB, so that
  // noise stays a few per cent of the growth.
  it('ten cache trackers with 4,000 (query, parameters) pairs each: estimate within 0.5–1.5× of the measured growth', () => {
    const { measured, estimated } = measure(() =>
      Array.from({ length: 10 }, (_, t) => {
        const tracker = new CacheTracker();
        for (let i = 0; i < 4000; i++)
          tracker.note(
            'SELECT name FROM authors WHERE id = $1',
            `[${t * 4000 + i}]`,
            'SELECT name FROM authors WHERE id = $1',
            'GET /items/:id',
            i,
            1,
            1000,
            () => undefined,
          );
        return tracker;
      }),
    );
    expect(measured).toBeGreaterThan(4_000_000);
    expect(estimated / measured).toBeGreaterThan(0.5);
    expect(estimated / measured).toBeLessThan(1.5);
  });

  it('normalizeSql’s cache of 3,000 distinct texts (a new text per request, as ORMs that inline values send) is counted: within 0.5–1.5×', () => {
    // A statement as ORMs write them (every column listed, about 900 characters).
    const columns = Array.from({ length: 40 }, (_, c) => `"Author"."column_${c}" AS "c${c}"`).join(
      ', ',
    );
    const { measured, estimated } = measure(() => {
      for (let i = 0; i < 3000; i++)
        normalizeSql(
          `SELECT ${columns} FROM "Authors" AS "Author" WHERE "Author"."id" = ${i % 50} OR ${i} < 0`.normalize(),
        );
      return undefined;
    });
    expect(normalizeCache().size).toBeGreaterThanOrEqual(3000);
    // Each entry keeps its raw text (texts that normalise alike share one normalised copy). Long
    // texts, as ORMs send them: the measured growth moves in steps of about 230 kB from run to
    // run, which on the 400–600 kB of short texts made the ratio fail one run in three.
    expect(measured).toBeGreaterThan(3000 * 800);
    expect(estimated / measured).toBeGreaterThan(0.5);
    expect(estimated / measured).toBeLessThan(1.5);
  });

  it('a registered map of 50,000 query texts to plain objects: estimate within 0.5–1.5×', () => {
    const { measured, estimated } = measure(() => {
      const map = new Map<string, object>();
      registerFootprint(() => map);
      for (let i = 0; i < 50_000; i++)
        map.set(`SELECT id FROM t WHERE id = ${i}`.normalize(), { sql: 'x', n: i, cols: ['a'] });
      return map;
    });
    expect(measured).toBeGreaterThan(4_000_000);
    expect(estimated / measured).toBeGreaterThan(0.5);
    expect(estimated / measured).toBeLessThan(1.5);
  });
});

describe('probe footprint readings that may be recent', () => {
  it('reuse the last walk while it is recent, and a fresh reading walks again', () => {
    const map = new Map<string, string>();
    registerFootprint(() => map);
    const t0 = performance.now();
    const before = probeFootprintBytes();
    const walkMs = performance.now() - t0;
    for (let i = 0; i < 2000; i++) map.set(`key ${i}`, `value ${i}`);
    const recent = probeFootprintBytes(true);
    const elapsed = performance.now() - t0;
    const fresh = probeFootprintBytes();
    expect(fresh - before).toBeGreaterThan(50_000);
    // A stall longer than the reuse window (≥ 1 s) between two statements makes the recent
    // reading walk too; either way it is never something else than one of the two walks.
    if (elapsed < recentWalkAgeMs(walkMs)) expect(recent).toBe(before);
    else expect(recent).toBe(fresh);
    expect(probeFootprintBytes(true)).toBe(fresh);
  });

  it('are reused for at least 1 s and for 100 times the walk they reuse', () => {
    expect(recentWalkAgeMs(0.5)).toBe(1000);
    expect(recentWalkAgeMs(30)).toBe(3000);
  });
});
