/** Writes a capture's files: .cpuprofile, speedscope JSON, .heapprofile, flame graph, signals, analysis. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import type { CaptureAnalysis } from '../analysis/capture-analysis.js';
import { categorizeFrame } from '../analysis/categorize.js';
import { createSourceResolver, type SourceResolver } from '../analysis/source-map.js';
import type { CaptureResult } from '../capture/session.js';
import type { Profile, ProfileFrame } from '../model/profile.js';
import { renderFlamegraphHtml } from './flamegraph.js';
import { renderSpeedscope } from './speedscope.js';

/** Paths of the files written (absent when not produced). */
export interface CaptureFiles {
  cpuprofile?: string;
  speedscope?: string;
  heapprofile?: string;
  flamegraph?: string;
  signals?: string;
  analysis?: string;
}

/** Original position and name of a frame, for exports people read. */
function describe(
  frame: ProfileFrame,
  resolver: SourceResolver | undefined,
): { name: string; file?: string; line?: number } {
  if (!frame.file || !frame.line || !resolver)
    return { name: frame.name, ...(frame.file ? { file: frame.file } : {}) };
  const position = resolver.resolve(frame.file, frame.line, frame.column);
  const name = (frame.name === '(anonymous)' && position.name) || frame.name;
  return { name, file: position.file, line: position.line };
}

/** Speedscope and flame-graph renderings of a Profile with source-mapped frame names. */
export function renderProfileViews(
  profile: Profile,
  title: string,
  resolver?: SourceResolver,
): { speedscope: string; flamegraph: string } {
  const views = profile.frames.map((frame) => describe(frame, resolver));
  const speedscope = renderSpeedscope(profile, {
    name: title,
    describeFrame: (_frame, i) => {
      const view = views[i] as { name: string; file?: string; line?: number };
      return {
        name: view.name,
        ...(view.file ? { file: view.file } : {}),
        ...(view.line ? { line: view.line } : {}),
      };
    },
  });
  const flamegraph = renderFlamegraphHtml(profile, {
    title,
    describeFrame: (i) => {
      const view = views[i] as { name: string; file?: string; line?: number };
      const where = view.file ? ` ${view.file}${view.line ? `:${view.line}` : ''}` : '';
      return {
        label: `${view.name}${where}`,
        category: categorizeFrame(profile.frames[i] as ProfileFrame).category,
      };
    },
  });
  return { speedscope, flamegraph };
}

/** Writes every file of a capture into `dir` (created if missing). */
export async function writeCaptureFiles(
  dir: string,
  capture: CaptureResult,
  analysis: CaptureAnalysis,
  title = 'redline profile',
): Promise<CaptureFiles> {
  const files: CaptureFiles = {};
  const put = async (key: keyof CaptureFiles, name: string, text: string): Promise<void> => {
    const path = join(dir, name);
    await writeFile(path, text);
    files[key] = path;
  };
  try {
    await mkdir(dir, { recursive: true });
    const views = renderProfileViews(analysis.cpuProfile, title, createSourceResolver());
    await put('cpuprofile', 'cpu.cpuprofile', JSON.stringify(capture.cpuProfile));
    await put('speedscope', 'cpu.speedscope.json', views.speedscope);
    await put('flamegraph', 'flamegraph.html', views.flamegraph);
    if (capture.heapProfile)
      await put('heapprofile', 'heap.heapprofile', JSON.stringify(capture.heapProfile));
    await put('signals', 'signals.json', `${JSON.stringify(capture.signals, null, 2)}\n`);
    const { cpuProfile: _model, ...summary } = analysis;
    await put('analysis', 'analysis.json', `${JSON.stringify(summary, null, 2)}\n`);
  } catch (cause) {
    throw profileWriteError(dir, cause);
  }
  return files;
}

/** The error for an output folder the profile files cannot be written to. */
export function profileWriteError(dir: string, cause: unknown): RedlineError {
  return new RedlineError('PROFILE_CANNOT_WRITE', `cannot write profile files to ${dir}`, {
    exitCode: ExitCode.CannotWrite,
    cause,
    hint: 'Choose another --out directory.',
  });
}
