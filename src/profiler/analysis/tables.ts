/** Turns an Attribution into ranked, source-mapped rows: categories, packages, functions, lines, hot spots. */
import {
  msPerUnit,
  type Profile,
  type ProfiledRuntime,
  type ValueKind,
  type ValueUnit,
} from '../model/profile.js';
import type { Attribution, RawHotspot } from './attribution.js';
import type { FrameCategory } from './categorize.js';
import { isDatabasePackage } from './database-packages.js';
import type { FrameInfoTable } from './frame-info.js';
import { scanCode } from './js-scan.js';
import { matchLinePattern } from './patterns.js';

/** Weight of one category (app, dependency, core, native, gc, program; idle is separate). */
export interface CategoryRow {
  category: FrameCategory;
  weight: number;
  /** Fraction of the active (non-idle) weight. */
  share: number;
  ms?: number;
}

/** One of the user's lines that calls into a package, with the weight spent there. */
export interface PackageCaller {
  functionName: string;
  file: string;
  line?: number;
  weight: number;
  share: number;
  /**
   * `stack`: the line is on the package's sampled stacks (weight and share are measured);
   * `source`: no line of the user's is on those stacks (the package runs after an await or from
   * its own callbacks), so the line was found in the app's sources: a call that sends queries to
   * a database package, else the import of the package (weight and share 0: not measured).
   */
  found: 'stack' | 'source';
}

/** Weight of one dependency package. */
export interface PackageRow {
  name: string;
  weight: number;
  share: number;
  ms?: number;
  /** The app lines whose calls spent that weight (largest first, up to 3); empty when none. */
  callers: PackageCaller[];
}

/** Self and total weight of one function, at its original location. */
export interface FunctionRow {
  name: string;
  file?: string;
  line?: number;
  category: FrameCategory;
  pkg?: string;
  self: number;
  total: number;
  selfShare: number;
  totalShare: number;
  selfMs?: number;
  totalMs?: number;
  /** Part of `self` that was spent in native code this function called. */
  nativeSelf: number;
}

/** Self weight of one source line. */
export interface LineRow {
  name: string;
  file: string;
  line: number;
  weight: number;
  share: number;
  ms?: number;
}

/** What a hot spot's line called, with its weight. */
export interface ViaRow {
  name: string;
  category: FrameCategory;
  pkg?: string;
  weight: number;
  share: number;
}

/** An app location (original file:line) where weight was spent, itself or through what it called. */
export interface Hotspot {
  functionName: string;
  file: string;
  line?: number;
  column?: number;
  /** How the line was found: profile line data, a call-site search, or only the function. */
  lineSource: RawHotspot['lineSource'];
  /** True when a source map translated the position. */
  mapped: boolean;
  weight: number;
  share: number;
  ms?: number;
  /** Share spent in the app line itself (not in what it called). */
  selfShare: number;
  via: ViaRow[];
  /** Root-cause pattern id and the share it explains, when one matched. */
  patternId?: string;
  patternShare?: number;
  /** The original source line, when readable. */
  lineText?: string;
  /** Weight by dependency package spent under this line (for the packages' callers). */
  packageWeights?: Record<string, number>;
}

/** All tables of one analysed profile. */
export interface ProfileTables {
  /** The runtime that produced the profile (selects patterns and fixes). */
  runtime: ProfiledRuntime;
  valueKind: ValueKind;
  unit: ValueUnit;
  total: number;
  idle: number;
  /** Non-idle weight: the denominator of every share. */
  active: number;
  idleShare: number;
  activeMs?: number;
  categories: CategoryRow[];
  packages: PackageRow[];
  functions: FunctionRow[];
  lines: LineRow[];
  hotspots: Hotspot[];
}

/** Builds the tables; each list is sorted by weight and cut to `top` rows. */
export function createTables(
  profile: Profile,
  attribution: Attribution,
  table: FrameInfoTable,
  top = 20,
): ProfileTables {
  const active = attribution.total - attribution.idle;
  const perUnit = msPerUnit(profile.unit);
  const ms = (weight: number): { ms?: number } =>
    perUnit === undefined ? {} : { ms: weight * perUnit };
  const share = (weight: number): number => (active > 0 ? weight / active : 0);
  const byWeight = <T extends { weight: number }>(rows: T[]): T[] =>
    rows.sort((a, b) => b.weight - a.weight).slice(0, top);
  const categories = byWeight(
    [...attribution.byCategory].map(([category, weight]) => ({
      category,
      weight,
      share: share(weight),
      ...ms(weight),
    })),
  );
  // Snapshots group objects by constructor: there are no code locations to rank.
  const byCode = profile.valueKind !== 'heap-objects' && profile.valueKind !== 'heap-growth';
  const allHotspots = byCode ? createHotspots(attribution, table, share, ms) : [];
  const packages = byWeight(
    [...attribution.byPackage].map(([name, weight]) => ({
      name,
      weight,
      share: share(weight),
      ...ms(weight),
      callers: callersOf(name, allHotspots, share, () => appFunctions(attribution, table), table),
    })),
  );
  const functions = [...attribution.self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([index, self]) => {
      const info = table.info(index);
      const total = attribution.inclusive.get(index) ?? self;
      const row: FunctionRow = {
        name: info.displayName,
        category: info.category,
        self,
        total,
        selfShare: share(self),
        totalShare: share(total),
        nativeSelf: attribution.nativeSelf.get(index) ?? 0,
      };
      if (info.pkg) row.pkg = info.pkg;
      if (info.position) Object.assign(row, { file: info.position.file, line: info.position.line });
      if (perUnit !== undefined)
        Object.assign(row, { selfMs: self * perUnit, totalMs: total * perUnit });
      return row;
    });
  const lines = createLineRows(attribution, table, share, ms, top);
  const hotspots = allHotspots.slice(0, top);
  const tables: ProfileTables = {
    runtime: table.runtime,
    valueKind: profile.valueKind,
    unit: profile.unit,
    total: attribution.total,
    idle: attribution.idle,
    active,
    idleShare: attribution.total > 0 ? attribution.idle / attribution.total : 0,
    categories: byCode ? categories : [],
    packages,
    functions,
    lines,
    hotspots,
  };
  if (perUnit !== undefined) tables.activeMs = active * perUnit;
  return tables;
}

type ShareFn = (weight: number) => number;

/**
 * The app lines (hot spots) that spent the most in package `name`, up to three; when none is on
 * its stacks, up to three lines of the app's sources that use it ({@link sourceCallers}).
 */
function callersOf(
  name: string,
  hotspots: readonly Hotspot[],
  share: ShareFn,
  functions: () => AppFunction[],
  table: FrameInfoTable,
): PackageCaller[] {
  const onStack = hotspots
    .map((h) => ({ h, weight: h.packageWeights?.[name] ?? 0 }))
    .filter((c) => c.weight > 0)
    .sort((a, b) => b.weight - a.weight)
    .slice(0, 3)
    .map(({ h, weight }) => ({
      functionName: h.functionName,
      file: h.file,
      ...(h.line !== undefined ? { line: h.line } : {}),
      weight,
      share: share(weight),
      found: 'stack' as const,
    }));
  return onStack.length > 0 ? onStack : sourceCallers(name, functions(), table);
}

/** Where one of the app's functions in the profile starts. */
interface AppFunction {
  file: string;
  line: number;
}

/** The app's own functions in the profile (not module top levels), by file and start line. */
function appFunctions(attribution: Attribution, table: FrameInfoTable): AppFunction[] {
  const out = new Map<string, AppFunction>();
  for (const index of attribution.inclusive.keys()) {
    const info = table.info(index);
    if (info.category !== 'app' || !info.position) continue;
    const topLevel =
      info.position.line <= 1 && (info.frame.name === '' || info.frame.name === '(anonymous)');
    if (topLevel) continue;
    out.set(`${info.position.file}:${info.position.line}`, {
      file: info.position.file,
      line: info.position.line,
    });
  }
  return [...out.values()].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}

/** `{` nesting at the start of every line (strings, comments, templates skipped). */
function braceDepthByLine(source: string): number[] {
  const starts = [0];
  for (let i = 0; i < source.length; i++) if (source[i] === '\n') starts.push(i + 1);
  const depthAt: number[] = new Array(starts.length).fill(0);
  let curly = 0;
  let line = 0;
  scanCode(source, 0, (index, char) => {
    while (line + 1 < starts.length && (starts[line + 1] as number) <= index) {
      line += 1;
      depthAt[line] = curly;
    }
    if (char === '{') curly += 1;
    else if (char === '}') curly = Math.max(0, curly - 1);
    return undefined;
  });
  for (let l = line + 1; l < starts.length; l++) depthAt[l] = curly;
  return depthAt;
}

/** A call that sends a statement through a database client (`db.query(`, `sql\``, ...). */
const QUERY_CALL = /\.(?:query|exec|execute|prepare|transaction)\s*[(<`]|\bsql\s*`/;
/** No source file is scanned beyond this many lines. */
const MAX_SCAN_LINES = 20_000;

/**
 * Lines of the app's sources that use package `name`, for packages that run with none of the
 * user's frames on their stacks (an in-process database runs queries after an await): calls that
 * send statements when the file imports a database package, else the import of `name` itself.
 */
function sourceCallers(
  name: string,
  functions: readonly AppFunction[],
  table: FrameInfoTable,
): PackageCaller[] {
  const files = [...new Set(functions.map((f) => f.file))];
  const escaped = name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const imports = new RegExp(
    `(?:from\\s*|import\\s*\\(\\s*|require\\s*\\(\\s*)['"]${escaped}(?:/[^'"]*)?['"]`,
  );
  const database = isDatabasePackage(name);
  const queries: PackageCaller[] = [];
  const importLines: PackageCaller[] = [];
  for (const file of files) {
    for (let line = 1; line <= MAX_SCAN_LINES; line++) {
      const text = table.lineText({ file, line, mapped: false });
      if (text === undefined) break;
      const caller = {
        functionName: '(source)',
        file,
        line,
        weight: 0,
        share: 0,
        found: 'source' as const,
      };
      if (imports.test(text)) importLines.push(caller);
      else if (database && QUERY_CALL.test(text)) queries.push(caller);
    }
  }
  // Query calls count only in files that import the client, else any query call of the app
  // (the client is often created in one module and used in others).
  // Calls inside a block (a function body) come before module set-up code (schema creation at
  // start-up), which runs once and is not what the profile measured.
  const depths = new Map<string, number[]>();
  const inFunction = (q: PackageCaller): boolean => {
    let byLine = depths.get(q.file);
    if (!byLine) {
      byLine = braceDepthByLine(table.sourceText(q.file) ?? '');
      depths.set(q.file, byLine);
    }
    return (byLine[(q.line ?? 1) - 1] ?? 0) > 0;
  };
  const ranked = [...queries.filter(inFunction), ...queries.filter((q) => !inFunction(q))];
  const inImporting = ranked.filter((q) => importLines.some((i) => i.file === q.file));
  const relevant = inImporting.length > 0 ? inImporting : ranked;
  return (relevant.length > 0 ? relevant : importLines).slice(0, 3);
}
type MsFn = (weight: number) => { ms?: number };

function createLineRows(
  attribution: Attribution,
  table: FrameInfoTable,
  share: ShareFn,
  ms: MsFn,
  top: number,
): LineRow[] {
  const merged = new Map<string, LineRow>();
  for (const [key, weight] of attribution.lines) {
    const [frame, line] = key.split(':').map(Number) as [number, number];
    const position = table.linePosition(frame, line);
    if (!position) continue;
    const id = `${position.file}:${position.line}`;
    const row = merged.get(id) ?? {
      name: table.info(frame).displayName,
      file: position.file,
      line: position.line,
      weight: 0,
      share: 0,
    };
    row.weight += weight;
    merged.set(id, row);
  }
  return [...merged.values()]
    .sort((a, b) => b.weight - a.weight)
    .slice(0, top)
    .map((row) => ({ ...row, share: share(row.weight), ...ms(row.weight) }));
}

/** Source-maps raw hot spots, merges those that land on the same original line, ranks them. */
function createHotspots(
  attribution: Attribution,
  table: FrameInfoTable,
  share: ShareFn,
  ms: MsFn,
): Hotspot[] {
  const merged = new Map<string, { hotspot: Hotspot; raw: RawHotspot[] }>();
  for (const raw of attribution.hotspots.values()) {
    const info = table.info(raw.frame);
    // A line the source does not have (inlined core code) leaves the time with the function.
    const atLine = raw.line ? table.linePosition(raw.frame, raw.line) : undefined;
    const position = atLine ?? info.position;
    const file = position?.file ?? info.frame.file ?? '(unknown)';
    const line = position?.line;
    const key = `${file}:${line ?? ''}:${info.displayName}`;
    let entry = merged.get(key);
    if (!entry) {
      const hotspot: Hotspot = {
        functionName: info.displayName,
        file,
        lineSource: atLine ? raw.lineSource : 'function',
        mapped: position?.mapped ?? false,
        weight: 0,
        share: 0,
        selfShare: 0,
        via: [],
      };
      if (line !== undefined) hotspot.line = line;
      if (position?.column !== undefined && atLine === undefined) hotspot.column = position.column;
      const text = position ? table.lineText(position) : undefined;
      if (text !== undefined) hotspot.lineText = text.trim();
      entry = { hotspot, raw: [] };
      merged.set(key, entry);
    }
    entry.raw.push(raw);
    entry.hotspot.weight += raw.weight;
  }
  return [...merged.values()]
    .map(({ hotspot, raw }) => finishHotspot(hotspot, raw, table, share, ms))
    .sort((a, b) => b.weight - a.weight);
}

function finishHotspot(
  hotspot: Hotspot,
  raws: RawHotspot[],
  table: FrameInfoTable,
  share: ShareFn,
  ms: MsFn,
): Hotspot {
  const via = new Map<number, number>();
  const patterns = new Map<string, number>();
  const packages: Record<string, number> = {};
  let self = 0;
  for (const raw of raws) {
    self += raw.selfWeight;
    for (const [pkg, weight] of raw.packages) packages[pkg] = (packages[pkg] ?? 0) + weight;
    for (const [frame, weight] of raw.via) via.set(frame, (via.get(frame) ?? 0) + weight);
    for (const [id, weight] of raw.patterns) patterns.set(id, (patterns.get(id) ?? 0) + weight);
  }
  hotspot.share = share(hotspot.weight);
  hotspot.selfShare = share(self);
  if (Object.keys(packages).length > 0) hotspot.packageWeights = packages;
  Object.assign(hotspot, ms(hotspot.weight));
  hotspot.via = [...via]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([frame, weight]) => {
      const info = table.info(frame);
      return {
        name: info.displayName,
        category: info.category,
        weight,
        share: share(weight),
        ...(info.pkg ? { pkg: info.pkg } : {}),
      };
    });
  const [bestId, bestWeight] = [...patterns].sort((a, b) => b[1] - a[1])[0] ?? [];
  if (bestId !== undefined && bestWeight !== undefined && bestWeight >= hotspot.weight * 0.3) {
    hotspot.patternId = bestId;
    hotspot.patternShare = share(bestWeight);
  } else if (hotspot.lineText) {
    // The line's text explains only the time spent on the line itself: time in callees no
    // pattern recognised is theirs. A one-line handler `res.end(JSON.stringify(row))` spent 73%
    // of its CPU in the socket write below it (calibration case heap-check-big-heap), which the
    // whole-line share called "large JSON serialisation".
    const byLine = matchLinePattern(hotspot.lineText, table.runtime);
    if (byLine) {
      hotspot.patternId = byLine.id;
      hotspot.patternShare = hotspot.selfShare;
    }
  }
  return hotspot;
}
