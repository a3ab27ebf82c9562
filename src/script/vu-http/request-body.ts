/**
 * Request bodies as k6 accepts them: a string, bytes, an object (form-encoded, or multipart when
 * a value is a file from `http.file()`), null/undefined for none.
 */
import { randomBytes } from 'node:crypto';

/** A file part created by `http.file(data, filename, contentType)`. */
export interface FileData {
  readonly __redlineFile: true;
  data: Buffer;
  filename: string;
  content_type: string;
}

/** Creates a file part for multipart bodies (k6's `http.file`). */
export function createFile(
  data: string | ArrayBuffer | Uint8Array,
  filename?: string,
  contentType?: string,
): FileData {
  const bytes =
    typeof data === 'string'
      ? Buffer.from(data)
      : Buffer.from(data instanceof ArrayBuffer ? new Uint8Array(data) : data);
  return {
    __redlineFile: true,
    data: bytes,
    filename: filename ?? `file-${Date.now()}`,
    content_type: contentType ?? 'application/octet-stream',
  };
}

function isFile(value: unknown): value is FileData {
  return typeof value === 'object' && value !== null && (value as FileData).__redlineFile === true;
}

/** An encoded body and the Content-Type it implies (when the user set none). */
export interface EncodedBody {
  bytes: Buffer | undefined;
  contentType: string | undefined;
}

/**
 * Form-encodes one value as k6 does: null/undefined as an empty value, strings as they are,
 * numbers and booleans as text; a nested object or array cannot be form-encoded, so it becomes an
 * empty value and `warn` is told (k6 logs the same warning instead of sending `[object Object]`).
 */
function formValue(key: string, value: unknown, warn: (text: string) => void): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && !isFile(value)) {
    warn(
      `the form body field "${key}" holds a nested ${Array.isArray(value) ? 'array' : 'object'}, which a form body cannot encode: it is sent as an empty value, as k6 does (send JSON.stringify(...) to keep its content)`,
    );
    return '';
  }
  return String(value);
}

/**
 * Escapes a form key or value as Go's `url.QueryEscape` (which k6 uses): every byte except
 * `A-Z a-z 0-9 - _ . ~` is percent-encoded, a space becomes `+`.
 */
export function formEscape(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    if (
      (byte >= 0x30 && byte <= 0x39) ||
      (byte >= 0x41 && byte <= 0x5a) ||
      (byte >= 0x61 && byte <= 0x7a) ||
      byte === 0x2d ||
      byte === 0x5f ||
      byte === 0x2e ||
      byte === 0x7e
    )
      out += String.fromCharCode(byte);
    else if (byte === 0x20) out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * An object as an `application/x-www-form-urlencoded` body, as k6 sends it (Go's `url.Values`):
 * an array value repeats its key once per element (`topping=onion&topping=bacon`), keys are
 * sorted, nested objects are sent empty with a warning.
 */
export function encodeForm(
  entries: ReadonlyArray<readonly [string, unknown]>,
  warn: (text: string) => void,
): string {
  const values = new Map<string, string[]>();
  for (const [key, value] of entries) {
    values.set(
      key,
      Array.isArray(value)
        ? value.map((v) => formValue(key, v, warn))
        : [formValue(key, value, warn)],
    );
  }
  const keys = [...values.keys()].sort((a, b) =>
    Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')),
  );
  const parts: string[] = [];
  for (const key of keys)
    for (const value of values.get(key) ?? [])
      parts.push(`${formEscape(key)}=${formEscape(value)}`);
  return parts.join('&');
}

/**
 * Encodes a k6-style body; `warn` receives what k6 would log as a warning (a nested value in a
 * form body).
 */
export function encodeBody(body: unknown, warn: (text: string) => void = () => {}): EncodedBody {
  if (body === undefined || body === null) return { bytes: undefined, contentType: undefined };
  if (typeof body === 'string') return { bytes: Buffer.from(body), contentType: undefined };
  if (body instanceof ArrayBuffer)
    return { bytes: Buffer.from(new Uint8Array(body)), contentType: undefined };
  if (ArrayBuffer.isView(body))
    return {
      bytes: Buffer.from(body.buffer, body.byteOffset, body.byteLength),
      contentType: undefined,
    };
  if (typeof body === 'object') {
    const entries = Object.entries(body as Record<string, unknown>);
    if (entries.some(([, v]) => isFile(v))) return encodeMultipart(entries, warn);
    return {
      bytes: Buffer.from(encodeForm(entries, warn)),
      contentType: 'application/x-www-form-urlencoded',
    };
  }
  return { bytes: Buffer.from(String(body)), contentType: undefined };
}

function encodeMultipart(
  entries: Array<[string, unknown]>,
  warn: (text: string) => void,
): EncodedBody {
  const boundary = `----redline${randomBytes(12).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const [name, value] of entries) {
    if (isFile(value)) {
      parts.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${value.filename}"\r\nContent-Type: ${value.content_type}\r\n\r\n`,
        ),
        value.data,
        Buffer.from('\r\n'),
      );
    } else {
      parts.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${formValue(name, value, warn)}\r\n`,
        ),
      );
    }
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { bytes: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}
