/** Seed options and switches: defaults, bounds, fingerprints, `--fix` parsing. */
import { describe, expect, it } from 'vitest';
import { parseDemoArgs, parseFixList } from '../cli-options.js';
import { resolveSwitches } from '../switches.js';
import { DEFAULT_SEED, parseSeedSpec, seedFingerprint } from './seed.js';

describe('parseSeedSpec', () => {
  it('fills defaults and keeps given sizes', () => {
    expect(parseSeedSpec()).toEqual(DEFAULT_SEED);
    expect(parseSeedSpec({ users: 50, items: undefined })).toEqual({ ...DEFAULT_SEED, users: 50 });
  });

  it('lists every bad size at once', () => {
    expect(() => parseSeedSpec({ users: 0, items: 1.5, orders: -1 })).toThrow(
      expect.objectContaining({
        code: 'DEMO_BAD_SEED',
        problems: expect.arrayContaining([
          expect.stringContaining('seed.users'),
          expect.stringContaining('seed.items'),
          expect.stringContaining('seed.orders'),
        ]),
      }),
    );
  });

  it('fingerprints sizes so a different seed never reuses a cache', () => {
    expect(seedFingerprint(DEFAULT_SEED)).not.toBe(seedFingerprint({ ...DEFAULT_SEED, orders: 1 }));
  });
});

describe('switches and flags', () => {
  it('plants everything by default; fixed and single overrides combine', () => {
    expect(resolveSwitches()).toEqual({
      syncHash: true,
      nPlusOne: true,
      missingIndex: true,
      unpaginated: true,
      memoryLeak: true,
    });
    expect(resolveSwitches(true, { memoryLeak: true })).toMatchObject({
      syncHash: false,
      memoryLeak: true,
    });
    expect(parseFixList('sync-hash, n-plus-one')).toEqual({ syncHash: false, nPlusOne: false });
  });

  it('reads DATABASE_URL when --database-url is absent', () => {
    const options = parseDemoArgs(['--port', '0', '--fixed'], {
      DATABASE_URL: 'postgres://x@h/db',
    });
    expect(options).toMatchObject({ port: 0, fixed: true, databaseUrl: 'postgres://x@h/db' });
    expect(parseDemoArgs(['--database-url', 'postgres://a@b/c'], {})).toMatchObject({
      databaseUrl: 'postgres://a@b/c',
    });
    expect(parseDemoArgs([], {})).not.toHaveProperty('databaseUrl');
  });
});
