/** Format detection (by name, then content) and the one entry point that reads any profile file. */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import type { Profile } from '../model/profile.js';
import { cpuProfileImporter } from './cpuprofile.js';
import { foldedImporter } from './folded.js';
import { heapProfileImporter } from './heapprofile.js';
import {
  heapSnapshotImporter,
  importFromHeapSnapshotDiff,
  type V8HeapSnapshot,
} from './heapsnapshot.js';
import type { Importer } from './importer.js';
import { parseJsonProfile } from './importer.js';
import { pprofImporter } from './pprof.js';
import { pstatsImporter } from './pstats.js';
import { RECORDING_FORMATS } from './recording.js';
import { speedscopeImporter } from './speedscope.js';

/** Every importer, in the order ties are broken. */
export const IMPORTERS: readonly Importer[] = [
  cpuProfileImporter,
  heapProfileImporter,
  heapSnapshotImporter,
  speedscopeImporter,
  pstatsImporter,
  pprofImporter,
  foldedImporter,
];

/** Removes gzip compression when the bytes start with the gzip magic number. */
export function maybeGunzip(bytes: Uint8Array, fileName = 'profile'): Uint8Array {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (cause) {
    throw new RedlineError(
      'PROFILE_INVALID',
      `${fileName} looks gzip-compressed but does not decompress`,
      {
        exitCode: ExitCode.DataError,
        cause,
      },
    );
  }
}

/** The importer that fits best (highest confidence), or null when none recognises the bytes. */
export function detectImporter(fileName: string, bytes: Uint8Array): Importer | null {
  let best: Importer | null = null;
  let bestScore = 0;
  for (const importer of IMPORTERS) {
    const score = importer.detect(fileName, bytes);
    if (score !== null && score > bestScore) {
      best = importer;
      bestScore = score;
    }
  }
  return best;
}

/** The error for bytes no importer recognises, listing what is supported. */
export function createUnknownFormatError(fileName: string): RedlineError {
  return new RedlineError('PROFILE_UNKNOWN_FORMAT', `unknown profile format: ${fileName}`, {
    exitCode: ExitCode.DataError,
    hint: 'Redline reads the formats listed above (detected by file name, then content); convert the file to one of them.',
    problems: [...IMPORTERS.map((importer) => importer.description), ...RECORDING_FORMATS],
    position: { file: fileName },
  });
}

/** Imports profile bytes of any supported format (gzip allowed). */
export function importProfile(bytes: Uint8Array, fileName = 'profile'): Profile {
  const plain = maybeGunzip(bytes, fileName);
  const importer = detectImporter(basename(fileName), plain);
  if (!importer) throw createUnknownFormatError(fileName);
  return importer.import(plain, fileName);
}

/** Reads a file and imports it; a missing file is a NoInput error. */
export async function importProfileFile(path: string): Promise<Profile> {
  return importProfile(await readProfileBytes(path), path);
}

/** Reads and gunzips two heap snapshots and returns their growth diff. */
export async function importHeapSnapshotDiffFiles(
  beforePath: string,
  afterPath: string,
): Promise<Profile> {
  const parse = async (path: string): Promise<V8HeapSnapshot> => {
    const bytes = maybeGunzip(await readProfileBytes(path), path);
    if (heapSnapshotImporter.detect(basename(path), bytes) === null) {
      throw new RedlineError('PROFILE_NOT_SNAPSHOT', `${path} is not a V8 heap snapshot`, {
        exitCode: ExitCode.DataError,
        hint: 'A growth diff compares two .heapsnapshot files of the same process.',
      });
    }
    return parseJsonProfile(bytes, 'V8 heap snapshot', path) as V8HeapSnapshot;
  };
  const [before, after] = await Promise.all([parse(beforePath), parse(afterPath)]);
  return importFromHeapSnapshotDiff(before, after, { before: beforePath, after: afterPath });
}

async function readProfileBytes(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (cause) {
    throw new RedlineError('PROFILE_NOT_FOUND', `cannot read profile ${path}`, {
      exitCode: ExitCode.NoInput,
      hint: 'Check the path; `redline profile` writes its files to the --out folder.',
      cause,
    });
  }
}
