import { describe, expect, it } from 'vitest';
import {
  type AllowList,
  DEFAULT_ALLOWED_TARGETS,
  normalizeAddress,
  parseAllowList,
} from './allow-list.js';

function list(entries: readonly string[]): AllowList {
  const parsed = parseAllowList(entries);
  if (Array.isArray(parsed)) throw new Error(parsed.join('; '));
  return parsed;
}

describe('target allow-list', () => {
  it('allows loopback only by default, in every spelling of it', () => {
    const defaults = list(DEFAULT_ALLOWED_TARGETS);
    for (const address of [
      '127.0.0.1',
      '127.255.0.9',
      '::1',
      '[::1]',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
    ])
      expect(defaults.allowsAddress(address), address).toBe(true);
    for (const address of [
      '10.0.0.1',
      '0.0.0.0',
      '::',
      '169.254.169.254',
      '::ffff:a00:1',
      '128.0.0.1',
      'fe80::1',
    ])
      expect(defaults.allowsAddress(address), address).toBe(false);
    expect(defaults.trustsName('localhost')).toBe(true);
    expect(defaults.trustsName('LOCALHOST.')).toBe(true);
    expect(defaults.trustsName('localhost.example.com')).toBe(false);
  });

  it('reads networks, single addresses, names and wildcards', () => {
    const l = list([
      '10.1.0.0/16',
      '192.168.1.7',
      'fd00::/8',
      'staging.internal',
      '*.test.example',
    ]);
    expect(l.allowsAddress('10.1.200.3')).toBe(true);
    expect(l.allowsAddress('10.2.0.1')).toBe(false);
    expect(l.allowsAddress('192.168.1.7')).toBe(true);
    expect(l.allowsAddress('192.168.1.8')).toBe(false);
    expect(l.allowsAddress('fd12::5')).toBe(true);
    expect(l.trustsName('staging.internal')).toBe(true);
    expect(l.trustsName('api.test.example')).toBe(true);
    expect(l.trustsName('test.example')).toBe(false);
    expect(l.trustsName('evil-test.example')).toBe(false);
  });

  it('names every bad entry', () => {
    expect(parseAllowList(['10.0.0.0/33', 'not a host', '::1/129', 'ok.example'])).toEqual([
      '"10.0.0.0/33": the prefix length must be 0-32',
      '"not a host" is neither an address, a network (10.0.0.0/8, fd00::/8) nor a host name',
      '"::1/129": the prefix length must be 0-128',
    ]);
  });

  it('normalises IPv4-mapped IPv6 addresses to IPv4', () => {
    expect(normalizeAddress('[::FFFF:10.0.0.1]')).toBe('10.0.0.1');
    expect(normalizeAddress('::ffff:a00:1')).toBe('10.0.0.1');
    expect(normalizeAddress('::1')).toBe('::1');
  });
});
