/** Parsing numeric query and path parameters, answering 400 with the parameter's name when invalid. */
import { HttpError } from './http-error.js';

/** Parses an optional integer query parameter within [min, max]; `fallback` when absent. */
export function parseIntParam(
  url: URL,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return fallback;
  return parseBoundedInt(raw, name, min, max);
}

/** Parses a positive integer id (path parameter); 400 when it is not one. */
export function parseId(raw: string | undefined, name = 'id'): number {
  return parseBoundedInt(raw ?? '', name, 1, 2_147_483_647);
}

function parseBoundedInt(raw: string, name: string, min: number, max: number): number {
  const value = /^\d{1,10}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new HttpError(
      400,
      'invalid_parameter',
      `'${name}' must be an integer from ${min} to ${max}`,
    );
  }
  return value;
}
