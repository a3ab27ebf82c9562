/** Query sites: where the application issued each query. Cheap capture now; resolution (first app frame, source-mapped) later. */

import { AsyncLocalStorage } from 'node:async_hooks';
import { dirname, isAbsolute, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  fileUrlToPath,
  loadScriptWithMap,
  originalPosition,
  type SourceMap,
} from '../util/source-map.js';
import { registerFootprint, registerFootprintBytes } from './footprint.js';

/** Holds a captured V8 stack; formatting is deferred until `.stack` is read. */
export interface CallSiteHolder {
  stack?: unknown;
  /** The application frames of the stack, innermost first, source-mapped (cached). */
  frames?: ResolvedSite[];
  /**
   * Where the application handed the query to its library, when the library runs it later from
   * its own machinery (see {@link runWithOrigin}): the fallback when this stack has no
   * application frame.
   */
  origin?: CallSiteHolder;
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
  const origin = origins.getStore();
  if (origin) holder.origin = origin;
  return holder;
}

/**
 * The query origin of the current async context. Some libraries run the application's query from
 * their own promise machinery: knex ≤ 0.20 acquires the connection and calls the driver inside
 * bluebird callbacks, TypeORM 0.2 inside tslib's generator-based `__awaiter`. V8's async stack
 * traces follow native `await` only, so the driver's stack then has no application frame at all
 * ("an unknown call site"). The library instrumentation (orm-origins.ts) captures the stack where
 * the application called the library and runs the library's work inside this context, so the
 * driver's capture carries it as its origin.
 */
const origins = new AsyncLocalStorage<CallSiteHolder>();

/** The origin active in this async context, if any. */
export function currentOrigin(): CallSiteHolder | undefined {
  return origins.getStore();
}

/** Runs `work` with `origin` as the query origin of everything it starts (sync and async). */
export function runWithOrigin<T>(origin: CallSiteHolder, work: () => T): T {
  return origins.run(origin, work);
}

/** A frame that is the innermost application frame of this many distinct queries is a pass-through. */
export const PASS_THROUGH_QUERIES = 3;
/** Frames remembered for pass-through learning at most (cleared past it, like the shape cache). */
const FRAME_LIMIT = 20_000;
/** Sites waiting to be learned at most: the oldest are dropped past it (learning is a heuristic). */
const PENDING_LIMIT = 1024;
const queriesByFrame = new Map<string, Set<string>>();
registerFootprint(() => queriesByFrame);
/**
 * Heap bytes of one captured call site at CAPTURE_LIMIT frames (V8's structured stack, held until
 * the site is learned): measured 1,812 bytes per holder at a 30-deep stack and 794 at 5 deep
 * (Node 22, forced GC, 2,000 holders); services' stacks under a framework are deeper than the limit.
 */
const CAPTURED_SITE_BYTES = 1800;
/**
 * Newly captured query sites (normalised query, its holder), learned at the next resolution.
 * Learning drains this queue: it never walks every site known so far, so its cost per resolution
 * is the number of sites captured since the previous one (an earlier version walked every cached
 * query text each time, which on an ORM that inlines literals, one text per value, took half the
 * CPU of a real Express + Sequelize + mysql2 service). Past PENDING_LIMIT the oldest site is
 * learned at once: dropping it instead left its structured stack (about 1.8 kB) held for as long
 * as the recorder caches the site (up to 5,000 sites, about 9 MB, unseen by the footprint).
 */
let pending: Array<readonly [string, CallSiteHolder]> = [];
registerFootprint(() => pending.map(([sql]) => sql));
registerFootprintBytes(() => pending.length * (CAPTURED_SITE_BYTES + 32));

/**
 * Notes the call site captured for a query (see {@link resolveSite}): used to recognise
 * pass-through frames. A data-access wrapper (`db.query(...)`) is the innermost application frame
 * of many different queries, and the call site worth reporting is the caller of the wrapper (the
 * loop of an N+1), not the wrapper itself. `root` is the application folder (paths are shown
 * relative to it), needed when the queue is full and its oldest site is learned now.
 */
export function noteQuerySite(sql: string, holder: CallSiteHolder, root: string): void {
  if (pending.length >= PENDING_LIMIT) {
    const oldest = pending.shift();
    if (oldest) learnSite(oldest[0], oldest[1], root);
  }
  pending.push([sql, holder]);
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
      sites.push(
        internedSite(
          file,
          frame.getLineNumber() ?? 0,
          frame.getColumnNumber() ?? 0,
          frame.getFunctionName?.() ?? undefined,
          root,
        ),
      );
    }
  }
  holder.frames = sites;
  // The structured stack holds every frame's receiver and function (an ORM's model instances,
  // a request's objects): keeping it after the frames are read would retain them for as long as
  // the holder lives (a cached site, a finding's sample), which the leak check rightly reports.
  holder.stack = undefined;
  return sites;
}

/**
 * The application frames that issued a query: its own stack's, or, when that has none (the
 * library ran it from its own machinery), those of the place the application called the library.
 */
function siteFrames(holder: CallSiteHolder, root: string): ResolvedSite[] {
  const own = appFrames(holder, root);
  return own.length === 0 && holder.origin ? siteFrames(holder.origin, root) : own;
}

/**
 * Records which queries went through each application frame of each known site (every depth:
 * a wrapper may itself be wrapped, e.g. a driver adapter inside a `db.query` helper).
 */
function learnPassThroughs(root: string): void {
  if (pending.length === 0) return;
  const batch = pending;
  pending = [];
  for (const [sql, holder] of batch) learnSite(sql, holder, root);
}

function learnSite(sql: string, holder: CallSiteHolder, root: string): void {
  if (queriesByFrame.size > FRAME_LIMIT) queriesByFrame.clear();
  for (const frame of siteFrames(holder, root)) {
    const key = siteKey(frame);
    let queries = queriesByFrame.get(key);
    if (!queries) {
      queries = new Set<string>();
      queriesByFrame.set(key, queries);
    }
    if (queries.size < 64) queries.add(sql);
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
  const frames = siteFrames(holder, root);
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
registerFootprint(() => maps);

/**
 * Resolved frames by generated position and function: the frames of the sites the recorder caches
 * (up to 5,000 sites, each a few application frames deep) are mostly the same few hundred places,
 * so each is one shared object instead of one object and one path string per site and frame
 * (measured 1,614 bytes per resolved site of 10 frames before, see bench/RESULTS.md). Treated as
 * immutable. Cleared past FRAME_LIMIT like the pass-through table.
 */
const resolvedFrames = new Map<string, ResolvedSite>();
registerFootprint(() => resolvedFrames);
/** The root the interned frames were made relative to (a probe has one; tests use several). */
let resolvedRoot = '';

function internedSite(
  file: string,
  line: number,
  column: number,
  functionName: string | undefined,
  root: string,
): ResolvedSite {
  if (root !== resolvedRoot || resolvedFrames.size > FRAME_LIMIT) {
    resolvedFrames.clear();
    resolvedRoot = root;
  }
  const key = `${line}:${column}:${functionName ?? ''}:${file}`;
  let site = resolvedFrames.get(key);
  if (!site) {
    site = mapSite(file, line, column, root);
    if (functionName) site.functionName = functionName;
    resolvedFrames.set(key, site);
  }
  return site;
}

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
