/** `k6/encoding` shim: base64 in k6's four alphabets (std, rawstd, url, rawurl). */

type Alphabet = 'std' | 'rawstd' | 'url' | 'rawurl';

function toBytes(input: string | ArrayBuffer | Uint8Array): Buffer {
  if (typeof input === 'string') return Buffer.from(input, 'utf8');
  return Buffer.from(input instanceof ArrayBuffer ? new Uint8Array(input) : input);
}

/** Base64-encodes `input` (k6 `b64encode`). */
export function b64encode(
  input: string | ArrayBuffer | Uint8Array,
  encoding: Alphabet = 'std',
): string {
  const bytes = toBytes(input);
  if (encoding === 'url') return bytes.toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
  if (encoding === 'rawurl') return bytes.toString('base64url');
  const text = bytes.toString('base64');
  return encoding === 'rawstd' ? text.replace(/=+$/, '') : text;
}

/** Base64-decodes `input` (k6 `b64decode`); format 's' returns a string, otherwise an ArrayBuffer. */
export function b64decode(
  input: string,
  encoding: Alphabet = 'std',
  format?: 's',
): string | ArrayBuffer {
  const normalised =
    encoding === 'url' || encoding === 'rawurl'
      ? input.replace(/-/g, '+').replace(/_/g, '/')
      : input;
  const bytes = Buffer.from(normalised, 'base64');
  if (format === 's') return bytes.toString('utf8');
  return new Uint8Array(bytes).buffer as ArrayBuffer;
}

export default { b64encode, b64decode };
