/** The fixed demo's read cache: TTL from the load's start, one load per key at a time, bounded, failures not kept. */
import { describe, expect, it } from 'vitest';
import { TtlCache } from './ttl-cache.js';

/** A cache on a clock the test moves, and a loader that counts its calls. */
function setup(ttlMs = 1000, maxEntries = 10) {
  const clock = { t: 0 };
  const cache = new TtlCache<string>({ ttlMs, maxEntries, now: () => clock.t });
  let loads = 0;
  const load = (value: string) => async () => {
    loads++;
    return value;
  };
  return { clock, cache, load, loads: () => loads };
}

describe('TtlCache', () => {
  it('serves a loaded value until its TTL ends, then loads again', async () => {
    const { clock, cache, load, loads } = setup();
    expect(await cache.get('k', load('a'))).toBe('a');
    clock.t = 999;
    expect(await cache.get('k', load('b'))).toBe('a');
    expect(loads()).toBe(1);
    clock.t = 1000;
    expect(await cache.get('k', load('b'))).toBe('b');
    expect(loads()).toBe(2);
  });

  it('shares one load among concurrent misses of a key', async () => {
    const { cache } = setup();
    let release: (v: string) => void = () => {};
    let loads = 0;
    const slow = () => {
      loads++;
      return new Promise<string>((resolve) => {
        release = resolve;
      });
    };
    const waiting = Array.from({ length: 5 }, () => cache.get('k', slow));
    release('v');
    expect(await Promise.all(waiting)).toEqual(['v', 'v', 'v', 'v', 'v']);
    expect(loads).toBe(1);
  });

  it('does not keep a failed load: the next get loads again', async () => {
    const { cache, load, loads } = setup();
    await expect(
      cache.get('k', async () => {
        throw new Error('db down');
      }),
    ).rejects.toThrow('db down');
    expect(cache.size).toBe(0);
    expect(await cache.get('k', load('ok'))).toBe('ok');
    expect(loads()).toBe(1);
  });

  it('holds at most maxEntries, dropping the oldest', async () => {
    const { cache, load, loads } = setup(1000, 3);
    for (const k of ['a', 'b', 'c', 'd']) await cache.get(k, load(k));
    expect(cache.size).toBe(3);
    expect(await cache.get('b', load('x'))).toBe('b');
    expect(await cache.get('a', load('a2'))).toBe('a2');
    expect(loads()).toBe(5);
  });

  it('loads again after invalidate or clear', async () => {
    const { cache, load } = setup();
    await cache.get('k', load('a'));
    cache.invalidate('k');
    expect(await cache.get('k', load('b'))).toBe('b');
    cache.clear();
    expect(cache.size).toBe(0);
    expect(await cache.get('k', load('c'))).toBe('c');
  });

  it('refuses a TTL or bound that would cache nothing', () => {
    expect(() => new TtlCache({ ttlMs: 0, maxEntries: 1 })).toThrow(RangeError);
    expect(() => new TtlCache({ ttlMs: 1, maxEntries: 0 })).toThrow(RangeError);
  });
});
