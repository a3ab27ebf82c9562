import { describe, expect, it } from 'vitest';
import { ocspResponseDer } from '../../test/helpers/ocsp-der.js';
import { parseOcspResponse, ZERO_TIME_UNIX } from './ocsp.js';

const T = (iso: string) => Math.floor(Date.parse(iso) / 1000);

describe('parseOcspResponse (k6 response.ocsp)', () => {
  it('reads a good response with its times; revocation fields as k6 reports them', () => {
    const der = ocspResponseDer({
      status: 'good',
      producedAt: '2026-12-01T10:00:00Z',
      thisUpdate: '2026-12-01T09:00:00Z',
      nextUpdate: '2026-12-08T09:00:00Z',
    });
    expect(parseOcspResponse(der)).toEqual({
      produced_at: T('2026-12-01T10:00:00Z'),
      this_update: T('2026-12-01T09:00:00Z'),
      next_update: T('2026-12-08T09:00:00Z'),
      revoked_at: ZERO_TIME_UNIX,
      revocation_reason: 'unspecified',
      status: 'good',
    });
  });

  it('reads a revoked response with its time and reason', () => {
    const der = ocspResponseDer({
      status: 'revoked',
      producedAt: '2026-12-01T10:00:00Z',
      thisUpdate: '2026-12-01T09:00:00Z',
      revokedAt: '2026-11-30T08:00:00Z',
      reason: 1,
    });
    expect(parseOcspResponse(der)).toMatchObject({
      status: 'revoked',
      revoked_at: T('2026-11-30T08:00:00Z'),
      revocation_reason: 'key_compromise',
      next_update: ZERO_TIME_UNIX,
    });
  });

  it('reads "unknown"; nothing, garbage and unsuccessful responses are undefined', () => {
    const unknown = ocspResponseDer({
      status: 'unknown',
      producedAt: '2026-12-01T10:00:00Z',
      thisUpdate: '2026-12-01T09:00:00Z',
    });
    expect(parseOcspResponse(unknown)?.status).toBe('unknown');
    expect(parseOcspResponse(undefined)).toBeUndefined();
    expect(parseOcspResponse(Buffer.from([0x30, 0x03, 0x0a, 0x01, 0x00]))).toBeUndefined();
    expect(parseOcspResponse(Buffer.from([0x30, 0x03, 0x0a, 0x01, 0x06]))).toBeUndefined(); // unauthorized
    expect(parseOcspResponse(Buffer.from('not der'))).toBeUndefined();
  });
});
