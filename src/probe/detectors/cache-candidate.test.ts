// The cache tracker's memory follows the last window's pairs: an ORM that writes values into the
// SQL (one text per value) must not make it grow for the length of a run. Detection is unchanged.
import { describe, expect, it } from 'vitest';
import type { Detection } from '../findings-store.js';
import { CACHE_MIN_REPEATS, CacheTracker } from './cache-candidate.js';

const SQL = 'SELECT * FROM users WHERE id = ?';
const noSite = () => undefined;

describe('CacheTracker', () => {
  it('forgets the pairs whose window has ended', () => {
    const tracker = new CacheTracker();
    // One new text every 10 ms for 40 s: 4,000 pairs, of which 1,000 are in the last window.
    for (let id = 0; id < 4000; id++)
      tracker.note(
        `SELECT * FROM users WHERE id = ${id}`,
        '',
        SQL,
        'GET /u/:id',
        id,
        1,
        id * 10,
        noSite,
      );
    expect(tracker.pairs).toBeLessThanOrEqual(1000 + 500);
  });

  it('still finds a pair repeated across requests within its window', () => {
    const tracker = new CacheTracker();
    const detections = [];
    for (let i = 0; i < 3000; i++) {
      tracker.note(
        `SELECT * FROM users WHERE id = ${i + 10}`,
        '',
        SQL,
        'GET /u/:id',
        i,
        1,
        i * 10,
        noSite,
      );
      const d = tracker.note(
        'SELECT * FROM users WHERE id = 1',
        '',
        SQL,
        'GET /me',
        i,
        2,
        i * 10,
        noSite,
      );
      if (d) detections.push(d);
    }
    expect(detections[0]).toMatchObject({ route: 'GET /me', executions: CACHE_MIN_REPEATS });
    expect(detections.length).toBeGreaterThan(2000);
  });

  it('batches further executions into the same sums as one detection per execution', () => {
    const perHit = new CacheTracker();
    const batched = new CacheTracker();
    const site = { holder: true };
    const sum = (ds: Array<{ executions: number; timeMs: number; requests?: number }>) => ({
      executions: ds.reduce((a, d) => a + d.executions, 0),
      timeMs: ds.reduce((a, d) => a + d.timeMs, 0),
      requests: ds.reduce((a, d) => a + (d.requests ?? 1), 0),
    });
    const one: Detection[] = [];
    const two: Detection[] = [];
    // 60 requests of one settings read, 2 ms each, every 100 ms: two windows of 10 s.
    for (let i = 0; i < 200; i++) {
      const args = [SQL, 'n1;', SQL, 'GET /me', i, 2, i * 100, noSite] as const;
      const a = perHit.note(...args);
      if (a) one.push(a);
      const b = batched.note(...args, () => site);
      if (b) two.push(b);
      if (i === 120) two.push(...batched.drain());
    }
    two.push(...batched.drain());
    expect(two.length).toBeLessThan(10);
    expect(sum(two)).toEqual(sum(one));
    // The windows' reported repeats are the same maxima.
    const maxRepeats = (ds: Detection[]) => Math.max(...ds.map((d) => d.detail?.['repeats'] ?? 0));
    expect(maxRepeats(two)).toBe(maxRepeats(one));
  });

  it('counts a window on every route that repeats the pair (one lookup on two routes)', () => {
    // The signed-in user's lookup on a list and a detail route, alternately, one request each
    // 100 ms for 25 s: three windows of 10 s, each on both routes (mikro: 476 repeats "in 1
    // window" on the list route, its windows all counted on the detail route).
    const perHit = new CacheTracker();
    const batched = new CacheTracker();
    const site = { holder: true };
    const one: Detection[] = [];
    const two: Detection[] = [];
    for (let i = 0; i < 250; i++) {
      const route = i % 2 === 0 ? 'GET /articles' : 'GET /articles/:slug';
      const args = [SQL, 'u7;', SQL, route, i, 2, i * 100, noSite] as const;
      const a = perHit.note(...args);
      if (a) one.push(a);
      const b = batched.note(...args, () => site);
      if (b) two.push(b);
      if (i % 40 === 0) two.push(...batched.drain());
    }
    two.push(...batched.drain());
    const windows = (ds: Detection[], route: string) =>
      ds.filter((d) => d.route === route).reduce((n, d) => n + (d.requests ?? 1), 0);
    for (const ds of [one, two]) {
      expect(windows(ds, 'GET /articles')).toBe(3);
      expect(windows(ds, 'GET /articles/:slug')).toBe(3);
    }
  });
});
