/** Query sites: where the application issued each query. Cheap capture now; resolution (first app frame, source-mapped) later. */
import { dirname, isAbsolute, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  fileUrlToPath,
  loadScriptWithMap,
  originalPosition,
  type SourceMap,
} from '../util/source-map.js';

/** Holds a captured V8 stack; formatting is deferred until `.stack` is read. */
export interface CallSiteHolder {
  stack?: unknown;
  /** The application frames of the stack, innermost first, source-mapped (cached). */
  frames?: ResolvedSite[];
}

/** A resolved place in the application's code (1-based line and column). */
export interface ResolvedSite {
  file: string;
  line: number;
  column: number;
  functionName?: string;
}

const PROBE_DIR = dirname(fileURLToPath(import.meta.url));
const CAPTURE_LIMIT = 25;

/** Captures the current stack above `above` (cost: V8's frame walk; no string formatting). */
export function captureSite(above: (...args: never[]) => unknown): CallSiteHolder {
  const holder: CallSiteHolder = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = CAPTURE_LIMIT;
  Error.captureStackTrace(holder, above);
  Error.stackTraceLimit = limit;
  return holder;
}

/**
 * Queries' sites known so far (query text -> its latest captured holder), registered by the
 * recorder. Used to recognise pass-through frames: a data-access wrapper (`db.query(...)`) is the
 * innermost application frame of many different queries, and the call site worth reporting is
 * the caller of the wrapper (the loop of an N+1), not the wrapper itself.
 */
let knownSites: () => Iterable<readonly [string, CallSiteHolder | undefined]> = () => [];
/** A frame that is the innermost application frame of this many distinct queries is a pass-through. */
export const PASS_THROUGH_QUERIES = 3;
const queriesByFrame = new Map<string, Set<string>>();
const learned = new WeakSet<CallSiteHolder>();

/** Lets the recorder expose the query sites it keeps (see {@link resolveSite}). */
export function registerKnownSites(
  provider: () => Iterable<readonly [string, CallSiteHolder | undefined]>,
): void {
  knownSites = provider;
}

/** The application frames of a holder (not node:, not node_modules, not the probe), source-mapped. */
function appFrames(holder: CallSiteHolder, root: string): ResolvedSite[] {
  if (holder.frames) return holder.frames;
  const previous = Error.prepareStackTrace;
  let frames: NodeJS.CallSite[] = [];
  Error.prepareStackTrace = (_error, callSites) => callSites;
  try {
    frames = (holder.stack as NodeJS.CallSite[] | undefined) ?? [];
  } finally {
    Error.prepareStackTrace = previous;
  }
  const sites: ResolvedSite[] = [];
  if (Array.isArray(frames)) {
    for (const frame of frames) {
      const raw = frame.getFileName?.() ?? frame.getScriptNameOrSourceURL?.();
      if (!raw || raw.startsWith('node:') || raw.startsWith('internal/')) continue;
      const file = fileUrlToPath(raw);
      if (
        !isAbsolute(file) ||
        file.includes(`${sep}node_modules${sep}`) ||
        file.startsWith(PROBE_DIR)
      )
        continue;
      const site = mapSite(file, frame.getLineNumber() ?? 0, frame.getColumnNumber() ?? 0, root);
      const name = frame.getFunctionName?.();
      if (name) site.functionName = name;
      sites.push(site);
    }
  }
  holder.frames = sites;
  return sites;
}

/**
 * Records which queries went through each application frame of each known site (every depth:
 * a wrapper may itself be wrapped, e.g. a driver adapter inside a `db.query` helper).
 */
function learnPassThroughs(root: string): void {
  for (const [sql, holder] of knownSites()) {
    if (!holder || learned.has(holder)) continue;
    learned.add(holder);
    for (const frame of appFrames(holder, root)) {
      const key = siteKey(frame);
      const queries = queriesByFrame.get(key) ?? new Set<string>();
      if (queries.size < 64) queries.add(sql);
      queriesByFrame.set(key, queries);
    }
  }
}

/**
 * Resolves a holder to the application frame that made the call: the innermost application
 * frame, skipping pass-through wrappers (frames through which {@link PASS_THROUGH_QUERIES} or
 * more distinct queries go) as long as an outer application frame remains.
 */
export function resolveSite(
  holder: CallSiteHolder | undefined,
  root: string,
): ResolvedSite | undefined {
  if (!holder) return undefined;
  learnPassThroughs(root);
  const frames = appFrames(holder, root);
  for (let i = 0; i < frames.length - 1; i++) {
    const site = frames[i]!;
    if ((queriesByFrame.get(siteKey(site))?.size ?? 0) < PASS_THROUGH_QUERIES) return site;
  }
  return frames.at(-1);
}

/** `file:line` of a site, for grouping. */
export function siteKey(site: ResolvedSite | undefined): string {
  return site ? `${site.file}:${site.line}` : '?';
}

const maps = new Map<string, SourceMap | null>();

function mapSite(file: string, line: number, column: number, root: string): ResolvedSite {
  const map = loadMap(file);
  const original = map ? originalPosition(map, line, column) : null;
  if (original)
    return {
      file: shorten(original.file, root),
      line: original.line,
      column: original.column ?? 1,
    };
  return { file: shorten(file, root), line, column };
}

/** The source map of an application file (see util/source-map.ts), read once per file. */
function loadMap(file: string): SourceMap | null {
  let map = maps.get(file);
  if (map === undefined) {
    map = loadScriptWithMap(file).map ?? null;
    maps.set(file, map);
  }
  return map;
}

function shorten(file: string, root: string): string {
  const rel = relative(root, file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split(sep).join('/') : file;
}
