/** analyzeFile: reads any supported profile or recording file and analyses it. */
import { importRecordingFile } from '../import/recording.js';
import { importHeapSnapshotDiffFiles, importProfileFile } from '../import/registry.js';
import { type AnalyzeOptions, analyzeProfile, type ProfileAnalysis } from './analyze.js';
import { analyzeRecording } from './recording-analysis.js';

/** Options of {@link analyzeFile}. */
export interface AnalyzeFileOptions extends AnalyzeOptions {
  /** An earlier heap snapshot: the file is then analysed as growth since this one. */
  baseline?: string;
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
  const profile = options.baseline
    ? await importHeapSnapshotDiffFiles(options.baseline, path)
    : await importProfileFile(path);
  return analyzeProfile(profile, options);
}
