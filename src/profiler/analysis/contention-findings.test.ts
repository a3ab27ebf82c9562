// Lock contention is graded on the average number of waiters the finding shows, so the grade and
// the displayed figure never disagree at a limit.
import { expect, it } from 'vitest';
import type { Profile } from '../model/profile.js';
import { CONTENTION_THRESHOLDS, createContentionFindings } from './contention-findings.js';
import type { Hotspot, ProfileTables } from './tables.js';

/** A JVM wait profile of `windowMs` with one monitor-enter site that waited `waitMs` in total. */
function contention(waitMs: number, windowMs: number) {
  const site: Hotspot = {
    functionName: 'shop.ShopServer.record',
    file: 'shop/ShopServer.java',
    line: 42,
    lineSource: 'profile',
    mapped: false,
    weight: waitMs,
    share: 1,
    ms: waitMs,
    selfShare: 0,
    via: [{ name: 'monitor java.lang.Object', category: 'core', weight: waitMs, share: 1 }],
  };
  const profile = {
    durationMs: windowMs,
    meta: { source: 'jfr' },
    format: 'jfr',
  } as unknown as Profile;
  const tables = { runtime: 'jvm', hotspots: [site] } as unknown as ProfileTables;
  return createContentionFindings(profile, tables)[0];
}

function shownWaiting(finding: ReturnType<typeof contention>): number {
  return Number(finding?.evidence?.find((e) => /waiting/.test(e.label))?.value);
}

it('grades a site whose average rounds up to the medium limit as medium, as it is shown', () => {
  // 2,496 ms of waits over a 10 s window: 0.2496 threads, shown as 0.25.
  const finding = contention(2496, 10_000);
  expect(shownWaiting(finding)).toBe(CONTENTION_THRESHOLDS.mediumWaiting);
  expect(finding?.severity).toBe('medium');
});

it('grades below the limit as low, and leaves out a site under the reporting floor', () => {
  const low = contention(2440, 10_000);
  expect(shownWaiting(low)).toBe(0.24);
  expect(low?.severity).toBe('low');
  expect(contention(400, 10_000)).toBeUndefined();
  expect(contention(12_000, 10_000)?.severity).toBe('high');
});
