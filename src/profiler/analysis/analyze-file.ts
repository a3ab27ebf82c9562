/** analyzeFile: reads any supported profile or recording file and analyses it. */

import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import { importRecordingFile } from '../import/recording.js';
import { importHeapSnapshotDiffFiles, importProfileFile } from '../import/registry.js';
import type { Profile } from '../model/profile.js';
import { nameWasmFrames, readWasmNames, type WasmNames } from '../model/wasm-names.js';
import { type AnalyzeOptions, analyzeProfile, type ProfileAnalysis } from './analyze.js';
import { analyzeRecording } from './recording-analysis.js';

/** Options of {@link analyzeFile}. */
export interface AnalyzeFileOptions extends AnalyzeOptions {
  /** An earlier heap snapshot: the file is then analysed as growth since this one. */
  baseline?: string;
  /**
   * WebAssembly modules (.wasm files) whose `name` sections name the profile's `wasm-function[N]`
   * frames (e.g. the debug build of a stripped module).
   */
  wasm?: readonly string[];
}

/**
 * Reads the name sections of WebAssembly modules (`--wasm` of `analyze` and `profile`); a file
 * that cannot be read is PROFILE_WASM_UNREADABLE (exit code NoInput).
 */
export async function readWasmModules(files: readonly string[]): Promise<WasmNames[]> {
  return Promise.all(
    files.map(async (file) => {
      const bytes = await readFile(file).catch((cause: unknown) => {
        throw new RedlineError('PROFILE_WASM_UNREADABLE', `cannot read --wasm ${file}`, {
          exitCode: ExitCode.NoInput,
          cause,
        });
      });
      return readWasmNames(bytes, basename(file));
    }),
  );
}

/**
 * Reads a profile of any supported format and analyses it. Whole recordings (`.jfr`, Redline's
 * Python sampler files) give a RecordingAnalysis (a ProfileAnalysis with more views).
 */
export async function analyzeFile(
  path: string,
  options: AnalyzeFileOptions = {},
): Promise<ProfileAnalysis> {
  if (!options.baseline) {
    const recording = await importRecordingFile(path);
    if (recording) return analyzeRecording(recording, options);
  }
  return analyzeProfile(await loadProfileFile(path, options), options);
}

/**
 * Reads a profile (or the growth between two heap snapshots) and names its `wasm-function[N]`
 * frames from the given modules: the Profile {@link analyzeFile} analyses, for other views of it
 * (a flame graph).
 */
export async function loadProfileFile(
  path: string,
  options: Pick<AnalyzeFileOptions, 'baseline' | 'wasm'> = {},
): Promise<Profile> {
  const profile = options.baseline
    ? await importHeapSnapshotDiffFiles(options.baseline, path)
    : await importProfileFile(path);
  if (options.wasm?.length) nameWasmFrames(profile, await readWasmModules(options.wasm));
  return profile;
}
