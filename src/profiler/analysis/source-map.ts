/** Resolves profile frames to original sources: display paths, path rewrites and line text over util/source-map. */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import {
  fileUrlToPath,
  forEachEmbeddedSource,
  loadScriptWithMap,
  originalPosition,
  type ScriptWithMap,
} from '../../util/source-map.js';

/** An original position: file as a display path, 1-based line, 1-based column, original name. */
export interface OriginalPosition {
  file: string;
  line: number;
  column?: number;
  name?: string;
  /** True when a source map was applied. */
  mapped: boolean;
}

/** Resolves generated positions of scripts on this machine to their original sources. */
export interface SourceResolver {
  /** Maps a 1-based line (and 1-based column when known) of `file` (path or file:// URL). */
  resolve(file: string, line: number, column?: number): OriginalPosition;
  /** The generated source text of a script, when it can be read (for call-site search). */
  generatedSource(file: string): string | undefined;
  /** The text of a 1-based line of an original source, when available (sourcesContent or disk). */
  originalLine(file: string, line: number): string | undefined;
  /** A path as users should see it: relative to the working directory when inside it. */
  displayPath(file: string): string;
}

/** Rewrites of path prefixes: a profile recorded under `/srv/app` read where the code is `./`. */
export type PathMap = ReadonlyArray<readonly [from: string, to: string]>;

/** Applies the first matching prefix rewrite to a path or file:// URL (returns a path). */
export function mapPath(file: string, pathMap: PathMap = []): string {
  const path = fileUrlToPath(file);
  for (const [from, to] of pathMap) {
    if (path === from || path.startsWith(from.endsWith('/') ? from : `${from}/`))
      return resolve(to, `.${path.slice(from.replace(/\/$/, '').length)}`);
  }
  return path;
}

/**
 * Creates a resolver; files and maps are read once and cached. `cwd` sets display paths;
 * `pathMap` rewrites recorded path prefixes before files are read and shown.
 */
export function createSourceResolver(cwd = process.cwd(), pathMap: PathMap = []): SourceResolver {
  const scripts = new Map<string, ScriptWithMap>();
  const originals = new Map<string, string[] | null>();
  const display = (file: string): string => {
    const path = mapPath(file, pathMap);
    if (!isAbsolute(path)) return path;
    const rel = relative(cwd, path);
    return rel.startsWith('..') || isAbsolute(rel) ? path : rel;
  };
  const load = (file: string): ScriptWithMap => {
    let script = scripts.get(file);
    if (!script) {
      script = loadScriptWithMap(mapPath(file, pathMap));
      scripts.set(file, script);
      // Embedded original sources make line text work without the files on disk.
      if (script.map)
        forEachEmbeddedSource(script.map, (path, content) =>
          originals.set(path, content.split('\n')),
        );
    }
    return script;
  };
  return {
    resolve(file, line, column) {
      const fallback: OriginalPosition = { file: display(file), line, mapped: false };
      if (column !== undefined) fallback.column = column;
      const { map } = load(file);
      if (!map) return fallback;
      const original = originalPosition(map, line, column);
      if (!original) return fallback;
      return { ...original, file: display(original.file), mapped: true };
    },
    generatedSource: (file) => load(file).source,
    originalLine(file, line) {
      const path = isAbsolute(file) ? file : resolve(cwd, file);
      let lines = originals.get(path);
      if (lines === undefined) {
        lines = existsSync(path) ? readFileSync(path, 'utf8').split('\n') : null;
        originals.set(path, lines);
      }
      return lines?.[line - 1];
    },
    displayPath: display,
  };
}
