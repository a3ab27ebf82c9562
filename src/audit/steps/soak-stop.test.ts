/** The soak's stopping rule: enough requests end it, the time cap ends it first on a starved machine. */
import { describe, expect, it } from 'vitest';
import { AUDIT_LEAK_THRESHOLDS } from './leak-check.js';
import { nextSoakPart, SOAK_MIN_REQUESTS, type SoakProgress } from './soak-stop.js';

/** The compact demo soak: 3 plain parts of 4.8 s, a captured part of 9.6 s, cap 72 s. */
const compact = (over: Partial<SoakProgress>): SoakProgress => ({
  partsDone: 3,
  partsPlanned: 3,
  requests: 0,
  minRequests: SOAK_MIN_REQUESTS,
  elapsedMs: 14_400,
  partMs: 4_800,
  capturedMs: 9_600,
  capMs: 72_000,
  ...over,
});

describe('nextSoakPart', () => {
  it('needs at least the requests the leak check wants in the second half of its checkpoints', () => {
    expect(SOAK_MIN_REQUESTS).toBeGreaterThanOrEqual(AUDIT_LEAK_THRESHOLDS.minLateRequestsToClear);
  });

  it('always runs the planned parts, even with the minimum already served', () => {
    expect(nextSoakPart(compact({ partsDone: 1, requests: 10_000 }))).toBe('run');
    expect(nextSoakPart(compact({ partsDone: 0, elapsedMs: 0 }))).toBe('run');
  });

  it('stops once the minimum is served (a quiet machine: no extra part)', () => {
    expect(nextSoakPart(compact({ requests: SOAK_MIN_REQUESTS }))).toBe('enough');
    expect(nextSoakPart(compact({ requests: SOAK_MIN_REQUESTS + 1, elapsedMs: 90_000 }))).toBe(
      'enough',
    );
  });

  it('runs another part while too few requests were served and it fits under the cap', () => {
    // The starved run of issue 13 (about 160 requests), and this branch's first run (400).
    expect(nextSoakPart(compact({ requests: 160 }))).toBe('run');
    expect(nextSoakPart(compact({ requests: 400, elapsedMs: 24_000 }))).toBe('run');
    expect(nextSoakPart(compact({ requests: SOAK_MIN_REQUESTS - 1, elapsedMs: 57_600 }))).toBe(
      'run',
    );
  });

  it('stops at the cap when another part and the captured part would not fit', () => {
    expect(nextSoakPart(compact({ requests: 160, elapsedMs: 57_601 }))).toBe('cap');
    expect(nextSoakPart(compact({ requests: 0, elapsedMs: 72_000 }))).toBe('cap');
  });
});
