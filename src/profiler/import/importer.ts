/** The Importer interface (one per profile format) and the errors importers share. */
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import type { Profile, ProfileFormat } from '../model/profile.js';

/**
 * Reads one profile format into the Profile model. `detect` looks at the file name and the
 * (decompressed) bytes and returns a confidence in 0..1, or null when the bytes are not this
 * format; it must be cheap (look at a prefix, never parse a whole large file).
 */
export interface Importer {
  format: ProfileFormat;
  /** One line for the "unknown format" error: what the format is and who writes it. */
  description: string;
  detect(fileName: string, bytes: Uint8Array): number | null;
  import(bytes: Uint8Array, fileName: string): Profile;
}

/** The error an importer throws when a file claims a format but its content does not fit it. */
export function createInvalidProfileError(
  format: string,
  fileName: string,
  problem: string,
  cause?: unknown,
): RedlineError {
  return new RedlineError('PROFILE_INVALID', `${fileName} is not a valid ${format}: ${problem}`, {
    exitCode: ExitCode.DataError,
    hint: 'Check that the file was written completely (a profile cut short cannot be read).',
    position: { file: fileName },
    cause,
  });
}

/** Decodes the first `max` bytes as UTF-8 text (for cheap content detection). */
export function textPrefix(bytes: Uint8Array, max = 4096): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, max)).toString(
    'utf8',
  );
}

/** Parses the whole file as JSON, turning a syntax error into a PROFILE_INVALID error. */
export function parseJsonProfile(bytes: Uint8Array, format: string, fileName: string): unknown {
  try {
    return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString());
  } catch (error) {
    throw createInvalidProfileError(format, fileName, 'the JSON does not parse', error);
  }
}

/** True when the lowercased file name ends with one of the suffixes. */
export function hasSuffix(fileName: string, ...suffixes: string[]): boolean {
  const lower = fileName.toLowerCase();
  return suffixes.some((suffix) => lower.endsWith(suffix));
}
