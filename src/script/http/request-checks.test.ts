import { describe, expect, it } from 'vitest';
import { assertSupportedParams, cleanUrl } from './request-checks.js';

describe('request checks', () => {
  it('masks the password of a URL for tags, as k6 does', () => {
    expect(cleanUrl('http://user:secret@127.0.0.1:3000/a?b=1')).toBe(
      'http://user:****@127.0.0.1:3000/a?b=1',
    );
    expect(cleanUrl('https://token@api.example.com/')).toBe('https://token@api.example.com/');
    expect(cleanUrl('http://127.0.0.1/x@y')).toBe('http://127.0.0.1/x@y');
    expect(cleanUrl('items-by-id')).toBe('items-by-id');
  });

  it('refuses auth schemes and compression it cannot honour, and accepts the rest', () => {
    expect(() => assertSupportedParams({ auth: 'digest' })).toThrow(
      'params.auth "digest" is not supported by Redline',
    );
    expect(() => assertSupportedParams({ auth: 'ntlm' })).toThrow('only "basic"');
    expect(() => assertSupportedParams({ compression: 'gzip' })).toThrow(
      'params.compression "gzip" is not supported',
    );
    expect(() => assertSupportedParams({ auth: 'basic', compression: '' })).not.toThrow();
    expect(() => assertSupportedParams({})).not.toThrow();
  });
});
