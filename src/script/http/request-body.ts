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

/** Encodes a k6-style body. */
export function encodeBody(body: unknown): EncodedBody {
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
    if (entries.some(([, v]) => isFile(v))) return encodeMultipart(entries);
    const form = new URLSearchParams();
    for (const [k, v] of entries) form.append(k, v === undefined || v === null ? '' : String(v));
    return {
      bytes: Buffer.from(form.toString()),
      contentType: 'application/x-www-form-urlencoded',
    };
  }
  return { bytes: Buffer.from(String(body)), contentType: undefined };
}

function encodeMultipart(entries: Array<[string, unknown]>): EncodedBody {
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
          `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${String(value)}\r\n`,
        ),
      );
    }
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { bytes: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}
