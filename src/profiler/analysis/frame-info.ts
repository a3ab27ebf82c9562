/** Per-frame facts the analysis needs, computed once: category, package, original location. */
import { redactSourceLine } from '../../util/redact.js';
import type { Profile, ProfiledRuntime, ProfileFrame } from '../model/profile.js';
import { findCallSite } from './call-site.js';
import { type CategoryInfo, categorizeFrame } from './categorize.js';
import { inferRuntime } from './runtime-frames.js';
import type { OriginalPosition, SourceResolver } from './source-map.js';

/** A frame with its category and its position after source maps. */
export interface FrameInfo extends CategoryInfo {
  frame: ProfileFrame;
  /** Original function start (or the generated one when no map applies). */
  position?: OriginalPosition;
  /** Function name to show: the original name from the map when there is one. */
  displayName: string;
}

/** Lazily computed frame facts plus the call-site and line lookups that need sources. */
export interface FrameInfoTable {
  /** The runtime of the profile (root-cause patterns and fixes differ per runtime). */
  runtime: ProfiledRuntime;
  info(index: number): FrameInfo;
  /**
   * Original position of a 1-based generated line executing in frame `index`; undefined when the
   * source is readable and has no such line (V8 reports ticks of inlined Node core code, e.g.
   * lib/buffer.js lines, under the user's frame that inlined it).
   */
  linePosition(index: number, line: number): OriginalPosition | undefined;
  /** Generated 1-based line in `caller` where it calls `callee`, found in the caller's source. */
  callSiteLine(caller: number, callee: number): number | undefined;
  /**
   * Original source text of a line, when readable: redacted (credentials in the target's code
   * never reach analysis.json, reports or the terminal) and trimmed to 200 characters.
   */
  lineText(position: OriginalPosition): string | undefined;
  /**
   * The whole original source of a display path, unredacted: for structure only (where blocks
   * start and end), never for output. Undefined when it cannot be read.
   */
  sourceText(file: string): string | undefined;
}

/** Creates the table for a profile; `resolver` is optional (no source mapping without it). */
export function createFrameInfoTable(profile: Profile, resolver?: SourceResolver): FrameInfoTable {
  const infos = new Map<number, FrameInfo>();
  const callSites = new Map<string, number | undefined>();
  const frameAt = (index: number): ProfileFrame => profile.frames[index] as ProfileFrame;
  const resolve = (file: string, line: number, column?: number): OriginalPosition =>
    resolver
      ? resolver.resolve(file, line, column)
      : { file, line, mapped: false, ...(column ? { column } : {}) };
  return {
    runtime: inferRuntime(profile),
    info(index) {
      let info = infos.get(index);
      if (!info) {
        const frame = frameAt(index);
        const category = categorizeFrame(frame);
        const position =
          frame.file && frame.line ? resolve(frame.file, frame.line, frame.column) : undefined;
        const anonymous = frame.name === '(anonymous)' || frame.name === '';
        const displayName = anonymous && position?.name ? position.name : frame.name;
        info = { ...category, frame, displayName, ...(position ? { position } : {}) };
        infos.set(index, info);
      }
      return info;
    },
    linePosition(index, line) {
      const frame = frameAt(index);
      if (!frame.file) return undefined;
      const position = resolve(frame.file, line);
      const readable = resolver?.originalLine(position.file, 1) !== undefined;
      if (readable && resolver?.originalLine(position.file, position.line) === undefined)
        return undefined;
      return position;
    },
    callSiteLine(caller, callee) {
      const key = `${caller}>${callee}`;
      if (callSites.has(key)) return callSites.get(key);
      const from = frameAt(caller);
      const source = from.file && resolver ? resolver.generatedSource(from.file) : undefined;
      const found =
        source && from.line && from.column
          ? findCallSite(source, from.line, from.column, frameAt(callee).name)
          : undefined;
      callSites.set(key, found?.line);
      return found?.line;
    },
    lineText(position) {
      const line = resolver?.originalLine(position.file, position.line);
      return line === undefined ? undefined : redactSourceLine(line, position.column).trim();
    },
    sourceText(file) {
      if (!resolver || resolver.originalLine(file, 1) === undefined) return undefined;
      const lines: string[] = [];
      for (let line = 1; ; line++) {
        const text = resolver.originalLine(file, line);
        if (text === undefined) break;
        lines.push(text);
      }
      return lines.join('\n');
    },
  };
}
