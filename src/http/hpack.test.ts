/**
 * HPACK against RFC 7541 Appendix C (requests without and with Huffman on one decoder each,
 * responses with eviction from a 256-octet table), our request block decoded back, and malformed
 * input. Real peers (node:http2's nghttp2 encoder, nginx) are exercised by h2-fast-connection.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { encodeHeaderBlock, HpackDecoder, HpackError, huffmanDecode } from './hpack.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const request = (scheme: string, path: string, extra: Array<[string, string]> = []) => [
  [':method', 'GET'],
  [':scheme', scheme],
  [':path', path],
  [':authority', 'www.example.com'],
  ...extra,
];

describe('HpackDecoder: RFC 7541 Appendix C', () => {
  it('C.3: requests without Huffman, dynamic table growing to 164 octets', () => {
    const d = new HpackDecoder(4096, true);
    expect(d.decode(hex('8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d')).fields).toEqual(
      request('http', '/'),
    );
    expect(d.tableSize).toBe(57);
    expect(d.decode(hex('8286 84be 5808 6e6f 2d63 6163 6865')).fields).toEqual(
      request('http', '/', [['cache-control', 'no-cache']]),
    );
    expect(d.tableSize).toBe(110);
    expect(
      d.decode(hex('8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65'))
        .fields,
    ).toEqual(request('https', '/index.html', [['custom-key', 'custom-value']]));
    expect([d.tableLength, d.tableSize]).toEqual([3, 164]);
  });

  it('C.4: the same requests with Huffman-coded strings', () => {
    const d = new HpackDecoder(4096, true);
    expect(d.decode(hex('8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff')).fields).toEqual(
      request('http', '/'),
    );
    expect(d.decode(hex('8286 84be 5886 a8eb 1064 9cbf')).fields).toEqual(
      request('http', '/', [['cache-control', 'no-cache']]),
    );
    expect(
      d.decode(hex('8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf')).fields,
    ).toEqual(request('https', '/index.html', [['custom-key', 'custom-value']]));
    expect([d.tableLength, d.tableSize]).toEqual([3, 164]);
  });

  it('C.6: responses with Huffman and eviction from a 256-octet table', () => {
    const d = new HpackDecoder(256, true);
    const r1 = d.decode(
      hex(
        '4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3',
      ),
    );
    expect(r1.status).toBe(302);
    expect(r1.fields).toEqual([
      [':status', '302'],
      ['cache-control', 'private'],
      ['date', 'Mon, 21 Oct 2013 20:13:21 GMT'],
      ['location', 'https://www.example.com'],
    ]);
    expect([d.tableLength, d.tableSize]).toEqual([4, 222]);
    const r2 = d.decode(hex('4883 640e ffc1 c0bf'));
    expect(r2.status).toBe(307);
    expect(r2.fields.slice(1)).toEqual(r1.fields.slice(1));
    expect([d.tableLength, d.tableSize]).toEqual([4, 222]);
    const r3 = d.decode(
      hex(
        '88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab 77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07',
      ),
    );
    expect(r3.status).toBe(200);
    expect(r3.fields).toEqual([
      [':status', '200'],
      ['cache-control', 'private'],
      ['date', 'Mon, 21 Oct 2013 20:13:22 GMT'],
      ['location', 'https://www.example.com'],
      ['content-encoding', 'gzip'],
      ['set-cookie', 'foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1'],
    ]);
    expect([d.tableLength, d.tableSize]).toEqual([3, 215]);
  });

  it('without keepFields reads :status only, yet keeps the dynamic table right', () => {
    const d = new HpackDecoder(256);
    d.decode(
      hex(
        '4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3',
      ),
    );
    const r2 = d.decode(hex('4883 640e ffc1 c0bf'));
    expect(r2).toEqual({ status: 307, fields: [] });
    expect(d.tableSize).toBe(222);
  });

  it('decodeStatus replays a repeated self-contained block and keeps the table as decode does', () => {
    const c61 = hex(
      '4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3',
    );
    const c62 = hex('4883 640e ffc1 c0bf'); // refers to dynamic entries: never replayed
    const full = new HpackDecoder(512, true);
    const lean = new HpackDecoder(512);
    for (const block of [c61, c61, c62, c62, c61]) {
      expect(lean.decodeStatus(block)).toBe(full.decode(block).status);
      expect([lean.tableLength, lean.tableSize]).toEqual([full.tableLength, full.tableSize]);
    }
    // The same dynamic entries: a block of indexed fields reads the same names and values.
    const probe = hex('be bf c0 c1');
    expect(new HpackDecoder(512, true).decode(c61).fields).toHaveLength(4);
    expect(lean.decodeStatus(hex('c1'))).toBe(full.decode(hex('c1')).status);
    expect(() => lean.decodeStatus(hex('ff00'))).toThrow(HpackError);
    expect(full.decode(probe).fields).toHaveLength(4);
  });

  it('decodeStatus replays a block of table references only while the table is unchanged', () => {
    const full = new HpackDecoder(4096, true);
    const lean = new HpackDecoder(4096);
    // :status 302 / 404 with incremental indexing (index 62), then `be` = dynamic index 62.
    const steps = ['4803333032', 'be', 'be', '4803343034', 'be', 'be', '4803333032', 'be'];
    const seen: number[] = [];
    for (const step of steps) {
      const status = lean.decodeStatus(hex(step));
      expect(status).toBe(full.decode(hex(step)).status);
      seen.push(status);
    }
    expect(seen).toEqual([302, 302, 302, 404, 404, 404, 302, 302]);
    expect([lean.tableLength, lean.tableSize]).toEqual([full.tableLength, full.tableSize]);
  });

  it('evicts from the ring table oldest first, as RFC 7541 §4.4 counts sizes', () => {
    // 100-octet table: entries of 42 octets (":status" 7 + "302" 3 + 32): two fit, a third evicts.
    const lean = new HpackDecoder(100);
    for (const v of ['3032', '3034', '3033']) lean.decodeStatus(hex(`480333${v}`));
    expect([lean.tableLength, lean.tableSize]).toEqual([2, 84]);
    expect(lean.decodeStatus(hex('be'))).toBe(303); // newest
    expect(lean.decodeStatus(hex('bf'))).toBe(304);
    expect(() => lean.decodeStatus(hex('c0'))).toThrow(HpackError); // evicted
  });

  it('rejects malformed blocks with HpackError', () => {
    expect(() => new HpackDecoder().decode(hex('be'))).toThrow(HpackError); // empty dynamic table
    expect(() => new HpackDecoder().decode(hex('80'))).toThrow(HpackError); // index 0
    expect(() => new HpackDecoder().decode(hex('410f77'))).toThrow(HpackError); // truncated
    expect(() => new HpackDecoder(100).decode(hex('3fe11f'))).toThrow(HpackError); // size > limit
    expect(() => new HpackDecoder().decode(hex('82 20'))).toThrow(HpackError); // update after field
    // Huffman padding longer than 7 bits / not EOS ones.
    expect(() => huffmanDecode(hex('f1 e3 c2 e5 f2 3a 6b a0 ab 90 f4 ff ff'), 0, 13)).toThrow(
      HpackError,
    );
    expect(() => huffmanDecode(hex('00'), 0, 1)).toThrow(HpackError);
  });
});

describe('encodeHeaderBlock', () => {
  it('encodes literal fields without indexing, static names indexed, decodable by itself', () => {
    const headers: Array<[string, string]> = [
      [':method', 'GET'],
      [':path', '/a?b=1'],
      [':scheme', 'https'],
      [':authority', '127.0.0.1:8443'],
      ['user-agent', 'redline'],
      ['x-custom', 'v'],
    ];
    const block = encodeHeaderBlock(headers);
    expect(block[0]).toBe(0x82); // :method GET fully indexed
    expect(block[1]).toBe(0x04); // :path: literal without indexing, static name index 4
    const d = new HpackDecoder(4096, true);
    expect(d.decode(block).fields).toEqual(headers);
    expect(d.tableLength).toBe(0);
  });
});
