/** `k6/crypto` shim over node:crypto: hashes, HMAC, streaming hashers, randomBytes. */
import {
  createHash as nodeHash,
  createHmac as nodeHmac,
  randomBytes as nodeRandomBytes,
} from 'node:crypto';

type Input = string | ArrayBuffer | Uint8Array;
type OutputEncoding = 'hex' | 'base64' | 'base64url' | 'binary';

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

function out(digest: Buffer, encoding?: OutputEncoding): string | ArrayBuffer {
  if (encoding === 'hex' || encoding === 'base64' || encoding === 'base64url')
    return digest.toString(encoding);
  return new Uint8Array(digest).buffer as ArrayBuffer;
}

/** A streaming hasher (k6 `createHash`). */
export function createHash(name: string): {
  update(input: Input): void;
  digest(encoding?: OutputEncoding): string | ArrayBuffer;
} {
  const h = nodeHash(algorithm(name));
  return {
    update: (input) => void h.update(bytes(input)),
    digest: (encoding) => out(h.digest(), encoding),
  };
}

/** A streaming HMAC (k6 `createHMAC`). */
export function createHMAC(
  name: string,
  secret: Input,
): { update(input: Input): void; digest(encoding?: OutputEncoding): string | ArrayBuffer } {
  const h = nodeHmac(algorithm(name), bytes(secret));
  return {
    update: (input) => void h.update(bytes(input)),
    digest: (encoding) => out(h.digest(), encoding),
  };
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
