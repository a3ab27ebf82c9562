/** The bounded history of the memory-leak fix. */
import { describe, expect, it } from 'vitest';
import { RingBuffer } from './ring-buffer.js';

describe('RingBuffer', () => {
  it('keeps the newest entries up to its capacity, newest first', () => {
    const ring = new RingBuffer<number>(3);
    expect(ring.newest(5)).toEqual([]);
    for (let i = 1; i <= 5; i++) ring.push(i);
    expect(ring.size).toBe(3);
    expect(ring.newest(5)).toEqual([5, 4, 3]);
    expect(ring.newest(2)).toEqual([5, 4]);
  });

  it('refuses a capacity below one', () => {
    expect(() => new RingBuffer(0)).toThrow(RangeError);
  });
});
