// k6/encoding (b64 in std, rawstd, url, rawurl) and k6/crypto (hashes, hmac, streaming hashers, randomBytes) against known vectors.
import { check } from 'k6';
import crypto from 'k6/crypto';
import { sha256, hmac, createHash, createHMAC, randomBytes, md5 } from 'k6/crypto';
import encoding from 'k6/encoding';
import { b64decode, b64encode } from 'k6/encoding';

export const options = { vus: 1, iterations: 1 };

export default function () {
  check(null, {
    'b64 std': () => b64encode('hello?>') === 'aGVsbG8/Pg==',
    'b64 rawstd': () => encoding.b64encode('hello?>', 'rawstd') === 'aGVsbG8/Pg',
    'b64 url': () => b64encode('hello?>', 'url') === 'aGVsbG8_Pg==',
    'b64 rawurl': () => b64encode('hello?>', 'rawurl') === 'aGVsbG8_Pg',
    'b64 decode to string': () => b64decode('aGVsbG8/Pg==', 'std', 's') === 'hello?>',
    'b64 decode rawurl': () => b64decode('aGVsbG8_Pg', 'rawurl', 's') === 'hello?>',
    'b64 decode to ArrayBuffer': () => b64decode('AAEC') instanceof ArrayBuffer && new Uint8Array(b64decode('AAEC'))[2] === 2,
    'sha256 hex': () => sha256('abc', 'hex') === 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    'md5 base64': () => md5('abc', 'base64') === 'kAFQmDzST7DWlj99KOF/cg==',
    'namespace sha1': () => crypto.sha1('abc', 'hex') === 'a9993e364706816aba3e25717850c26c9cd0d89d',
    'hmac sha256': () => hmac('sha256', 'key', 'The quick brown fox jumps over the lazy dog', 'hex') === 'f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8',
    'createHash streaming': () => {
      const h = createHash('sha256');
      h.update('a');
      h.update('bc');
      return h.digest('hex') === sha256('abc', 'hex');
    },
    'createHMAC streaming': () => {
      const h = createHMAC('sha256', 'key');
      h.update('The quick brown fox ');
      h.update('jumps over the lazy dog');
      return h.digest('hex') === hmac('sha256', 'key', 'The quick brown fox jumps over the lazy dog', 'hex');
    },
    'randomBytes': () => randomBytes(16).byteLength === 16,
  });
}
