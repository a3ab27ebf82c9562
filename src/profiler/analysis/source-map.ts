/** Maps generated positions (profile frames) back to original sources with @jridgewell/trace-mapping. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  GREATEST_LOWER_BOUND,
  LEAST_UPPER_BOUND,
  originalPositionFor,
  TraceMap,
} from '@jridgewell/trace-mapping';
import { toFilePath } from './categorize.js';

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

const MAP_COMMENT = /\/\/[#@] sourceMappingURL=([^\s'"]+)\s*$/;

interface LoadedScript {
  source?: string;
  map?: TraceMap;
}

/** Rewrites of path prefixes: a profile recorded under `/srv/app` read where the code is `./`. */
export type PathMap = ReadonlyArray<readonly [from: string, to: string]>;

/** Applies the first matching prefix rewrite to a path or file:// URL (returns a path). */
export function mapPath(file: string, pathMap: PathMap = []): string {
  const path = toFilePath(file);
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
  const scripts = new Map<string, LoadedScript>();
  const originals = new Map<string, string[] | null>();
  const display = (file: string): string => {
    const path = mapPath(file, pathMap);
    if (!isAbsolute(path)) return path;
    const rel = relative(cwd, path);
    return rel.startsWith('..') || isAbsolute(rel) ? path : rel;
  };
  const load = (file: string): LoadedScript => {
    let script = scripts.get(file);
    if (!script) {
      script = loadScript(mapPath(file, pathMap));
      scripts.set(file, script);
      if (script.map) cacheSourcesContent(script.map, originals);
    }
    return script;
  };
  return {
    resolve(file, line, column) {
      const fallback: OriginalPosition = { file: display(file), line, mapped: false };
      if (column !== undefined) fallback.column = column;
      const { map } = load(file);
      if (!map) return fallback;
      const original = lookup(map, line, column);
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

/** Finds the original position for a generated 1-based line and optional 1-based column. */
function lookup(
  map: TraceMap,
  line: number,
  column?: number,
): Omit<OriginalPosition, 'mapped'> | null {
  type Bias = typeof GREATEST_LOWER_BOUND | typeof LEAST_UPPER_BOUND;
  const tries: Array<{ column: number; bias: Bias }> =
    column === undefined
      ? [{ column: 0, bias: LEAST_UPPER_BOUND }]
      : [
          { column: column - 1, bias: GREATEST_LOWER_BOUND },
          { column: column - 1, bias: LEAST_UPPER_BOUND },
        ];
  for (const attempt of tries) {
    const found = originalPositionFor(map, { line, column: attempt.column, bias: attempt.bias });
    if (found.source !== null && found.line !== null) {
      const out: Omit<OriginalPosition, 'mapped'> = {
        file: toFilePath(found.source),
        line: found.line,
      };
      if (found.column !== null) out.column = found.column + 1;
      if (found.name !== null) out.name = found.name;
      return out;
    }
  }
  return null;
}

/** Reads a script and its source map (inline data URL, a file named by the comment, or `.map`). */
function loadScript(path: string): LoadedScript {
  if (!isAbsolute(path) || !existsSync(path)) return {};
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch {
    return {};
  }
  const tail = source.slice(Math.max(0, source.length - 4096)).trimEnd();
  const url = MAP_COMMENT.exec(tail)?.[1];
  let raw: string | undefined;
  let mapPath = `${path}.map`;
  if (url?.startsWith('data:')) {
    const comma = url.indexOf(',');
    const payload = url.slice(comma + 1);
    raw = url.slice(0, comma).endsWith(';base64')
      ? Buffer.from(payload, 'base64').toString('utf8')
      : decodeURIComponent(payload);
  } else {
    if (url) mapPath = resolve(dirname(path), decodeURIComponent(url));
    if (existsSync(mapPath)) raw = readFileSync(mapPath, 'utf8');
  }
  if (raw === undefined) return { source };
  try {
    return { source, map: new TraceMap(raw, pathToFileURL(mapPath).href) };
  } catch {
    return { source }; // A broken map is ignored: positions stay generated.
  }
}

/** Remembers embedded original sources so line text works without the files on disk. */
function cacheSourcesContent(map: TraceMap, originals: Map<string, string[] | null>): void {
  map.resolvedSources.forEach((source, i) => {
    const content = map.sourcesContent?.[i];
    if (source && typeof content === 'string')
      originals.set(toFilePath(source), content.split('\n'));
  });
}
