/**
 * Paths in scripts are relative to the script's own file, as in k6 (`open('./users.json')`): a
 * helper for the runtime's `open()`, which finds the calling file from the stack when it can, so a
 * helper module in another folder reads its own neighbours.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EncodedSourceMap } from '@jridgewell/trace-mapping';
import { createStackMapper, type StackMapper } from './stack-mapper.js';

/** Resolves script-relative paths. */
export type ScriptPathResolver = (path: string, stack?: string) => string;

/** Where the bundle is and which user files it holds, to recognise frames in a stack. */
export interface BundleFrames {
  mapper: StackMapper;
  bundleUrl: string;
  /** Absolute paths of the user's source files (frames already source-mapped by Node show these). */
  sources: ReadonlySet<string>;
}

/**
 * Creates a resolver: absolute paths and `file:` URLs are returned as paths; relative ones are
 * resolved against the folder of the first user file in `stack` (a bundle frame mapped through
 * the source map, or a frame Node already mapped; npm packages are skipped), else against the
 * main script's folder.
 */
export function createScriptPathResolver(
  scriptPath: string,
  frames?: BundleFrames,
): ScriptPathResolver {
  const scriptDir = dirname(scriptPath);
  return (path, stack) => {
    if (path.startsWith('file:')) return fileURLToPath(path);
    if (isAbsolute(path)) return path;
    const caller = stack && frames ? callerFile(stack, frames) : undefined;
    return resolve(caller ? dirname(caller) : scriptDir, path);
  };
}

const FRAME = /(?:\(|at )((?:file:\/\/)?\/[^():]+):(\d+):(\d+)\)?\s*$/;

/** The user file of the first frame of `stack` that belongs to the script. */
function callerFile(stack: string, frames: BundleFrames): string | undefined {
  const bundlePath = fileURLToPath(frames.bundleUrl);
  for (const line of stack.split('\n')) {
    const match = FRAME.exec(line);
    if (!match) continue;
    const location = match[1] as string;
    const file = location.startsWith('file:') ? fileURLToPath(location) : location;
    if (frames.sources.has(file) && !file.includes('/node_modules/')) return file;
    if (file !== bundlePath) continue;
    const position = frames.mapper.mapPosition(Number(match[2]), Number(match[3]));
    if (position && !position.file.includes('/node_modules/')) return position.file;
  }
  return undefined;
}

/**
 * The resolver of a bundle written by the loader, rebuilt from `<bundle>.map` (for worker
 * threads, which only know the bundle's URL); falls back to `scriptDir` when the map is missing.
 */
export function loadScriptPathResolver(scriptDir: string, bundleUrl: string): ScriptPathResolver {
  const scriptPath = resolve(scriptDir, 'script');
  let resolver: ScriptPathResolver | undefined;
  // Built on first use: most scripts never call open(), and reading the map costs a parse.
  return (path, stack) => {
    resolver ??= buildResolver(scriptPath, bundleUrl);
    return resolver(path, stack);
  };
}

function buildResolver(scriptPath: string, bundleUrl: string): ScriptPathResolver {
  try {
    const bundlePath = fileURLToPath(bundleUrl);
    const map = JSON.parse(readFileSync(`${bundlePath}.map`, 'utf8')) as EncodedSourceMap;
    const sources = new Set(map.sources.filter((s): s is string => typeof s === 'string'));
    const mapper = createStackMapper({ bundlePath, map });
    return createScriptPathResolver(scriptPath, { mapper, bundleUrl, sources });
  } catch {
    return createScriptPathResolver(scriptPath);
  }
}
