/**
 * Maps positions in the loaded bundle back to the user's files: stack traces (`at fn
 * (file:///tmp/…/script.bundle.mjs:12:5)` -> `at fn (script.ts:8:3)`) and single positions.
 * Usable in worker threads: {@link loadStackMapper} reads the `.map` file written by the loader.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  type DecodedSourceMap,
  type EncodedSourceMap,
  GREATEST_LOWER_BOUND,
  LEAST_UPPER_BOUND,
  originalPositionFor,
  TraceMap,
} from '@jridgewell/trace-mapping';
import type { SourcePosition } from '../../errors/redline-error.js';

/** Translates bundle positions to original `file:line:column`. */
export interface StackMapper {
  /** Rewrites every bundle position in a stack trace (or any text); other text is unchanged. */
  mapStack(stack: string): string;
  /** Original position of a bundle position (1-based line and column), if the map knows it. */
  mapPosition(line: number, column: number): SourcePosition | undefined;
  /**
   * A stack as users should see it: the message, then only the frames in their own files (the
   * script, its modules and the packages bundled with it), mapped to file:line:column. Frames of
   * Redline, Node's internals and unmapped bundle code are left out; a native frame (`JSON.parse
   * (<anonymous>)`) directly above a user frame is kept, as it names what threw.
   */
  userStack(stack: string): string;
}

/** Options of {@link createStackMapper}. */
export interface StackMapperOptions {
  /** Absolute path of the bundle file. */
  bundlePath: string;
  /** Its source map (encoded or decoded mappings); `sources` are absolute paths. */
  map: EncodedSourceMap | DecodedSourceMap;
  /** How a source path is shown (default: relative to the working directory when inside it). */
  displayPath?: (absolutePath: string) => string;
}

/** Shows paths inside the working directory relative to it, others absolute. */
export function defaultDisplayPath(absolutePath: string): string {
  const rel = relative(process.cwd(), absolutePath);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : absolutePath;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Creates a {@link StackMapper} for one bundle. */
export function createStackMapper(options: StackMapperOptions): StackMapper {
  // Built on first use: most runs never map a stack, and building it decodes the whole map.
  let trace: TraceMap | undefined;
  const display = options.displayPath ?? defaultDisplayPath;
  const url = pathToFileURL(options.bundlePath).href;
  const pattern = new RegExp(
    `(?:${escapeRegExp(url)}|${escapeRegExp(options.bundlePath)}):(\\d+):(\\d+)`,
    'g',
  );
  const mapPosition = (line: number, column: number): SourcePosition | undefined => {
    trace ??= new TraceMap(options.map);
    let found = originalPositionFor(trace, {
      line,
      column: column - 1,
      bias: GREATEST_LOWER_BOUND,
    });
    if (found.source === null)
      found = originalPositionFor(trace, { line, column: column - 1, bias: LEAST_UPPER_BOUND });
    if (found.source === null) return undefined;
    return { file: found.source, line: found.line, column: found.column + 1 };
  };
  const mapStack = (stack: string): string =>
    stack.replace(pattern, (whole, line: string, column: string) => {
      const position = mapPosition(Number(line), Number(column));
      return position ? `${display(position.file)}:${position.line}:${position.column}` : whole;
    });
  const sources = options.map.sources.filter((s): s is string => typeof s === 'string');
  /** The frame mapped to a user file, or undefined when it is not one of theirs. */
  const userFrame = (frame: string): string | undefined => {
    let mapped = false;
    const text = frame.replace(pattern, (whole, line: string, column: string) => {
      const position = mapPosition(Number(line), Number(column));
      if (!position) return whole;
      mapped = true;
      return `${display(position.file)}:${position.line}:${position.column}`;
    });
    if (mapped) return text;
    // Already mapped by the module loader (e.g. Vite under Vitest): a path of the source map.
    return sources.some((source) => frame.includes(`${source}:`)) ? frame : undefined;
  };
  return {
    mapPosition,
    mapStack,
    userStack(stack: string): string {
      const out: string[] = [];
      let native: string[] = [];
      for (const line of stack.split('\n')) {
        if (!/^\s+at\s/.test(line)) {
          out.push(line);
          continue;
        }
        const user = userFrame(line);
        if (user !== undefined) {
          out.push(...native, user);
          native = [];
        } else if (/\((?:<anonymous>|native)\)\s*$/.test(line)) native.push(line);
        else native = [];
      }
      return out.join('\n');
    },
  };
}

/** Reads `<bundlePath>.map` (written by the loader) and creates a {@link StackMapper}. */
export function loadStackMapper(
  bundlePath: string,
  displayPath?: (absolutePath: string) => string,
): StackMapper {
  const map = JSON.parse(readFileSync(`${bundlePath}.map`, 'utf8')) as EncodedSourceMap;
  return createStackMapper(displayPath ? { bundlePath, map, displayPath } : { bundlePath, map });
}
