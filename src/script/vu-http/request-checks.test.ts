import { describe, expect, it } from 'vitest';
import { assertSupportedParams } from './request-checks.js';

describe('request checks', () => {
  it('refuses auth schemes and compression it cannot honour, and accepts the rest', () => {
    expect(() => assertSupportedParams({ auth: 'ntlm' })).toThrow(
      'params.auth "ntlm" is not supported by Redline (only "basic" and "digest")',
    );
    expect(() => assertSupportedParams({ auth: 'digest' })).not.toThrow();
    expect(() => assertSupportedParams({ compression: 'gzip' })).toThrow(
      'params.compression "gzip" is not supported',
    );
    expect(() => assertSupportedParams({ auth: 'basic', compression: '' })).not.toThrow();
    expect(() => assertSupportedParams({})).not.toThrow();
  });
});
