import { constants } from 'node:http2';
import { describe, expect, it } from 'vitest';
import { http2GoAway, http2StreamReset } from './errors.js';
import { http2Headers } from './h2-connection.js';
import { parseTarget } from './target.js';

describe('http2Headers', () => {
  it('builds pseudo-headers, lower-cases names, maps Host to :authority, drops connection headers', () => {
    const target = parseTarget('https://example.test:8443/a?b=1');
    const headers = http2Headers(
      target,
      'POST',
      [
        ['Content-Type', 'application/json'],
        ['Connection', 'keep-alive'],
        ['Host', 'other.test'],
        ['X-A', '1'],
        ['x-a', '2'],
      ],
      'redline/test',
    );
    expect(headers).toEqual({
      ':method': 'POST',
      ':path': '/a?b=1',
      ':scheme': 'https',
      ':authority': 'other.test',
      'content-type': 'application/json',
      'x-a': ['1', '2'],
      'user-agent': 'redline/test',
    });
  });
});

describe('HTTP/2 error classes', () => {
  it("uses k6's HTTP/2 code ranges: stream 1631 + code, GOAWAY 1611 + code", () => {
    expect(http2StreamReset(constants.NGHTTP2_CANCEL)).toMatchObject({
      errorClass: 'reset',
      code: 1639,
      message: 'stream reset by the server (RST_STREAM CANCEL)',
    });
    expect(http2GoAway(constants.NGHTTP2_INTERNAL_ERROR)).toMatchObject({
      errorClass: 'reset',
      code: 1613,
    });
    expect(http2StreamReset(0x99).code).toBe(1630);
  });
});
