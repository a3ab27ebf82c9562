/** Reading request bodies: JSON or application/x-www-form-urlencoded (what k6 sends for an object body), size-limited. */
import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-error.js';

/** Largest accepted request body in bytes. */
export const MAX_BODY_BYTES = 64 * 1024;

/** Reads the whole body (up to {@link MAX_BODY_BYTES}); 413 beyond. */
export async function readBodyBytes(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      throw new HttpError(413, 'body_too_large', `request body exceeds ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * Parses the body into a flat record of fields. JSON objects and url-encoded forms are accepted;
 * other content types get 415, malformed JSON 400.
 */
export async function readBodyFields(req: IncomingMessage): Promise<Record<string, unknown>> {
  const bytes = await readBodyBytes(req);
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const text = bytes.toString('utf8');
  if (type === 'application/x-www-form-urlencoded') {
    return Object.fromEntries(new URLSearchParams(text));
  }
  if (
    type === 'application/json' ||
    type.endsWith('+json') ||
    (type === '' && text.trim().startsWith('{'))
  ) {
    return parseJsonObject(text);
  }
  if (type === '' && text.length === 0) return {};
  throw new HttpError(
    415,
    'unsupported_media_type',
    'send application/json or application/x-www-form-urlencoded',
  );
}

function parseJsonObject(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'invalid_json', 'the request body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HttpError(400, 'invalid_body', 'the request body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

/** Returns a required non-empty string field, or throws 400 naming it. */
export function requireString(fields: Record<string, unknown>, name: string): string {
  const value = fields[name];
  if (typeof value !== 'string' || value.length === 0) {
    throw new HttpError(400, 'missing_field', `field '${name}' is required`);
  }
  return value;
}
