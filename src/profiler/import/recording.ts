/**
 * Files that hold a whole recording rather than one profile: Flight Recorder (`.jfr`) and Redline's
 * Python sampler output. `importRecordingFile` returns null for every other format.
 */
import { open, readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import type { RuntimeRecording } from '../model/recording.js';
import { importJfrFile, isJfr } from './jfr.js';
import {
  importFromPythonSampler,
  parsePythonSamplerFile,
  pythonSamplerImporter,
} from './python-sampler.js';

/** One line per recording format, for the "unknown format" error and the docs. */
export const RECORDING_FORMATS = [
  'Java Flight Recorder (.jfr): java -XX:StartFlightRecording, jcmd JFR.dump, redline profile -- java … (read with the JDK)',
  pythonSamplerImporter.description,
] as const;

/** Reads a recording file, or returns null when the file is a plain profile (or unreadable). */
export async function importRecordingFile(path: string): Promise<RuntimeRecording | null> {
  let head: Uint8Array;
  try {
    const file = await open(path);
    try {
      const { buffer, bytesRead } = await file.read({ buffer: new Uint8Array(4096), position: 0 });
      head = buffer.subarray(0, bytesRead);
    } finally {
      await file.close();
    }
  } catch (cause) {
    throw new RedlineError('PROFILE_NOT_FOUND', `cannot read profile ${path}`, {
      exitCode: ExitCode.NoInput,
      hint: 'Check the path; `redline profile` writes its files to the --out folder.',
      cause,
    });
  }
  if (isJfr(head)) return importJfrFile(path);
  if (pythonSamplerImporter.detect(basename(path), head) !== null)
    return importFromPythonSampler([parsePythonSamplerFile(await readFile(path), path)], path);
  return null;
}
