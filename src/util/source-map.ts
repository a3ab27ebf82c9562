/**
 * The one source-map loader: reads a script on this machine with its source map (an inline data
 * URL, the file its `sourceMappingURL` comment names, or `<script>.map`) and maps generated
 * positions back to original ones. Used by the profiler (profile frames) and the in-app probe
 * (query call sites); @jridgewell/trace-mapping is loaded on the first map only, so the probe's
 * start-up inside the user's process stays light.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

type TraceMapping = typeof import('@jridgewell/trace-mapping');
/** A parsed source map (trace-mapping's TraceMap). */
export type SourceMap = InstanceType<TraceMapping['TraceMap']>;

let traceMapping: TraceMapping | undefined;
function mapping(): TraceMapping {
  traceMapping ??= createRequire(import.meta.url)('@jridgewell/trace-mapping') as TraceMapping;
  return traceMapping;
}

/** A script read from disk, with its source map when it has one. */
export interface ScriptWithMap {
  /** The generated source text (absent when the file cannot be read). */
  source?: string;
  /** The source map (absent when there is none, or it does not parse). */
  map?: SourceMap;
}

/** An original position: absolute path (or the map's source name), 1-based line and column. */
export interface MappedPosition {
  file: string;
  line: number;
  column?: number;
  /** The original name at that position, when the map records one. */
  name?: string;
}

const MAP_COMMENT = /\/\/[#@] sourceMappingURL=([^\s'"]+)\s*$/;
/** The comment must sit in the last few kB of the file (bundlers append it at the end). */
const TAIL_BYTES = 4096;

/** A `file://` URL as a path; anything else unchanged. */
export function fileUrlToPath(file: string): string {
  if (!file.startsWith('file://')) return file;
  try {
    return fileURLToPath(file);
  } catch {
    return file;
  }
}

/**
 * Reads `path` (absolute) and its source map. A missing file gives `{}`, a file without a map
 * `{ source }`, a broken map is ignored (positions stay generated). Not cached: callers cache.
 */
export function loadScriptWithMap(path: string): ScriptWithMap {
  if (!isAbsolute(path) || !existsSync(path)) return {};
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch {
    return {};
  }
  const tail = source.slice(Math.max(0, source.length - TAIL_BYTES)).trimEnd();
  const url = MAP_COMMENT.exec(tail)?.[1];
  let raw: string | undefined;
  let mapPath = `${path}.map`;
  try {
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
    return { source, map: new (mapping().TraceMap)(raw, pathToFileURL(mapPath).href) };
  } catch {
    return { source };
  }
}

/**
 * The original position of a generated 1-based `line` and optional 1-based `column`: the
 * closest mapping at or before the column, else the first one after it (with no column: the
 * first mapping of the line). Null when the map says nothing about that line.
 */
export function originalPosition(
  map: SourceMap,
  line: number,
  column?: number,
): MappedPosition | null {
  const tm = mapping();
  type Bias = typeof tm.GREATEST_LOWER_BOUND | typeof tm.LEAST_UPPER_BOUND;
  const tries: Array<{ column: number; bias: Bias }> =
    column === undefined
      ? [{ column: 0, bias: tm.LEAST_UPPER_BOUND }]
      : [
          { column: Math.max(0, column - 1), bias: tm.GREATEST_LOWER_BOUND },
          { column: Math.max(0, column - 1), bias: tm.LEAST_UPPER_BOUND },
        ];
  for (const attempt of tries) {
    const found = tm.originalPositionFor(map, { line, column: attempt.column, bias: attempt.bias });
    if (found.source !== null && found.line !== null) {
      const out: MappedPosition = { file: fileUrlToPath(found.source), line: found.line };
      if (found.column !== null) out.column = found.column + 1;
      if (found.name !== null) out.name = found.name;
      return out;
    }
  }
  return null;
}

/** Calls `visit` with each original source of `map` whose text the map embeds (`sourcesContent`). */
export function forEachEmbeddedSource(
  map: SourceMap,
  visit: (file: string, content: string) => void,
): void {
  map.resolvedSources.forEach((source, i) => {
    const content = map.sourcesContent?.[i];
    if (source && typeof content === 'string') visit(fileUrlToPath(source), content);
  });
}
