import { describe, expect, it } from 'vitest';
import { estimateOffset, toAgentClock } from './clock.js';

describe('estimateOffset', () => {
  it('recovers a skew exactly when the two legs are symmetric', () => {
    // Agent clock = controller clock + 5000; each leg takes 3 ms.
    const o = estimateOffset([{ t1: 100, t2: 100 + 3 + 5000, t3: 106 }]);
    expect(o.offsetMs).toBe(5000);
    expect(o.rttMs).toBe(6);
    expect(toAgentClock(200, o)).toBe(5200);
  });

  it('uses the sample with the shortest round trip (the tightest bound)', () => {
    const o = estimateOffset([
      { t1: 0, t2: -1000 + 40, t3: 50 }, // asymmetric, slow: would say -985
      { t1: 100, t2: -1000 + 101, t3: 102 }, // fast: -1000
      { t1: 200, t2: -1000 + 230, t3: 260 },
    ]);
    expect(o.offsetMs).toBe(-1000);
    expect(o.rttMs).toBe(2);
    expect(o.samples).toBe(3);
  });

  it('refuses an empty sample set', () => {
    expect(() => estimateOffset([])).toThrow(/no samples/);
  });
});
