/** `k6/crypto` shim over node:crypto: hashes, HMAC, streaming hashers, randomBytes. */
import {
  createHash as nodeHash,
  createHmac as nodeHmac,
  randomBytes as nodeRandomBytes,
} from 'node:crypto';

type Input = string | ArrayBuffer | Uint8Array;
type OutputEncoding = 'hex' | 'base64' | 'base64url' | 'base64rawurl' | 'binary';

const ALGORITHMS: Record<string, string> = {
  md4: 'md4',
  md5: 'md5',
  sha1: 'sha1',
  sha256: 'sha256',
  sha384: 'sha384',
  sha512: 'sha512',
  sha512_224: 'sha512-224',
  sha512_256: 'sha512-256',
  ripemd160: 'ripemd160',
};

function algorithm(name: string): string {
  const algo = ALGORITHMS[name.toLowerCase().replace('-', '_')];
  if (!algo)
    throw new Error(
      `k6/crypto: unsupported hash algorithm "${name}" (supported: ${Object.keys(ALGORITHMS).join(', ')})`,
    );
  return algo;
}

function bytes(input: Input): Buffer | string {
  if (typeof input === 'string') return input;
  return Buffer.from(input instanceof ArrayBuffer ? new Uint8Array(input) : input);
}

/**
 * A digest in k6's output encodings: `hex`, `base64`, `base64url` (padded, as Go's URLEncoding),
 * `base64rawurl` (unpadded), `binary` (ArrayBuffer, also when no encoding is given); any other
 * name throws as in k6.
 */
function out(digest: Buffer, encoding?: OutputEncoding): string | ArrayBuffer {
  switch (encoding) {
    case 'hex':
    case 'base64':
      return digest.toString(encoding);
    case 'base64url': {
      const raw = digest.toString('base64url');
      return raw + '='.repeat((4 - (raw.length % 4)) % 4);
    }
    case 'base64rawurl':
      return digest.toString('base64url');
    case undefined:
    case 'binary':
      return new Uint8Array(digest).buffer as ArrayBuffer;
    default:
      throw new Error(
        `k6/crypto: invalid output encoding: ${String(encoding)} (use hex, base64, base64url, base64rawurl or binary)`,
      );
  }
}

/** A streaming hash or HMAC as k6 has it (`createHash`, `createHMAC`). */
export interface Hasher {
  /** Adds data (string, ArrayBuffer or typed array). */
  update(input: Input): void;
  /**
   * The digest of everything added so far. As in k6 (Go's `hash.Sum`), it does not end the
   * hasher: `digest()` may be called again, and `update()` after it goes on from the same state.
   */
  digest(encoding?: OutputEncoding): string | ArrayBuffer;
}

/** A streaming hasher (k6 `createHash`). */
export function createHash(name: string): Hasher {
  const h = nodeHash(algorithm(name));
  return {
    update: (input) => void h.update(bytes(input)),
    digest: (encoding) => out(h.copy().digest(), encoding),
  };
}

/** A streaming HMAC (k6 `createHMAC`). */
export function createHMAC(name: string, secret: Input): Hasher {
  const algo = algorithm(name);
  const key = bytes(secret);
  // node's Hmac has no copy(): keep the input and compute each digest from it.
  const chunks: Array<Buffer | string> = [];
  return {
    update: (input) => void chunks.push(bytes(input)),
    digest: (encoding) => {
      const h = nodeHmac(algo, key);
      for (const chunk of chunks) h.update(chunk);
      return out(h.digest(), encoding);
    },
  };
}

/** Hex of bytes (k6 `hexEncode(ArrayBuffer | typed array | string)`). */
export function hexEncode(data: Input): string {
  return Buffer.from(bytes(data)).toString('hex');
}

/** One-shot HMAC (k6 `hmac(algorithm, secret, data, outputEncoding)`). */
export function hmac(
  name: string,
  secret: Input,
  data: Input,
  encoding?: OutputEncoding,
): string | ArrayBuffer {
  return out(nodeHmac(algorithm(name), bytes(secret)).update(bytes(data)).digest(), encoding);
}

function hasher(name: string) {
  return (input: Input, encoding?: OutputEncoding) =>
    out(nodeHash(algorithm(name)).update(bytes(input)).digest(), encoding);
}

export const md4 = hasher('md4');
export const md5 = hasher('md5');
export const sha1 = hasher('sha1');
export const sha256 = hasher('sha256');
export const sha384 = hasher('sha384');
export const sha512 = hasher('sha512');
export const sha512_224 = hasher('sha512_224');
export const sha512_256 = hasher('sha512_256');
export const ripemd160 = hasher('ripemd160');

/** Random bytes (k6 `randomBytes(n)` -> ArrayBuffer). */
export function randomBytes(size: number): ArrayBuffer {
  return new Uint8Array(nodeRandomBytes(size)).buffer as ArrayBuffer;
}

export default {
  hexEncode,
  createHash,
  createHMAC,
  hmac,
  md4,
  md5,
  sha1,
  sha256,
  sha384,
  sha512,
  sha512_224,
  sha512_256,
  ripemd160,
  randomBytes,
};
