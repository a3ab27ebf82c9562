/** One pass over the samples: categories, self/total per function, per line, and app hot spots. */
import type { Profile, ProfileSample } from '../model/profile.js';
import type { FrameCategory } from './categorize.js';
import type { FrameInfoTable } from './frame-info.js';
import { matchFramePattern } from './patterns.js';

/** Raw weights by key, before rows are formatted. */
export interface Attribution {
  total: number;
  idle: number;
  byCategory: Map<FrameCategory, number>;
  byPackage: Map<string, number>;
  /** Self weight per frame index after charging native frames to their JS caller. */
  self: Map<number, number>;
  /** Of `self`, the part charged from native frames. */
  nativeSelf: Map<number, number>;
  /** Total (inclusive) weight per frame index, counted once per sample under recursion. */
  inclusive: Map<number, number>;
  /** Self weight per `frame:line` (leaf lines of JS frames). */
  lines: Map<string, number>;
  /** Weight per app hot spot (deepest app frame and the line executing in it). */
  hotspots: Map<string, RawHotspot>;
}

/** Weight attributed to one line of one app frame. */
export interface RawHotspot {
  frame: number;
  /** Generated 1-based line; undefined when only the function is known. */
  line?: number;
  /** How the line was found. */
  lineSource: 'profile' | 'call-site' | 'function';
  weight: number;
  /** Weight spent in the app frame itself at that line. */
  selfWeight: number;
  /** Weight by callee frame index (what the app line called). */
  via: Map<number, number>;
  /** Weight by root-cause pattern id found in the frames below. */
  patterns: Map<string, number>;
  /** Weight by dependency package the sample was charged to (what this line spent in packages). */
  packages: Map<string, number>;
}

const add = <K>(map: Map<K, number>, key: K, weight: number): void => {
  map.set(key, (map.get(key) ?? 0) + weight);
};

/** Attributes every sample of the profile. */
export function attributeSamples(profile: Profile, table: FrameInfoTable): Attribution {
  const result: Attribution = {
    total: 0,
    idle: 0,
    byCategory: new Map(),
    byPackage: new Map(),
    self: new Map(),
    nativeSelf: new Map(),
    inclusive: new Map(),
    lines: new Map(),
    hotspots: new Map(),
  };
  // Root-cause patterns explain where CPU or allocations go, not where threads wait.
  const patterns = profile.valueKind !== 'contention' && profile.valueKind !== 'goroutines';
  for (const sample of profile.samples) attributeOne(sample, table, result, patterns);
  return result;
}

function attributeOne(
  sample: ProfileSample,
  table: FrameInfoTable,
  result: Attribution,
  patterns: boolean,
): void {
  const { stack, weight } = sample;
  result.total += weight;
  const leaf = stack.length - 1;
  let charged = leaf;
  while (charged > 0 && table.info(stack[charged] as number).category === 'native') charged -= 1;
  const chargedIndex = stack[charged] as number;
  const info = table.info(chargedIndex);
  if (info.category === 'idle') {
    result.idle += weight;
    return;
  }
  // Go's GC runs inside goroutines (mark assists under mallocgc, background workers): a sample
  // with a GC function anywhere on its stack is GC time, whatever helper its leaf is.
  const gcBelow =
    info.category !== 'gc' && stack.some((frame) => table.info(frame).category === 'gc');
  add(result.byCategory, gcBelow ? 'gc' : info.category, weight);
  if (info.pkg) add(result.byPackage, info.pkg, weight);
  add(result.self, chargedIndex, weight);
  if (charged !== leaf) add(result.nativeSelf, chargedIndex, weight);
  for (const frame of new Set(stack)) add(result.inclusive, frame, weight);
  const leafLine = sample.lines?.[leaf] ?? 0;
  if (charged === leaf && leafLine > 0) add(result.lines, `${chargedIndex}:${leafLine}`, weight);
  attributeHotspot(sample, table, result, patterns, info.pkg);
}

/** Charges the sample to the deepest app frame, at the line executing there. */
function attributeHotspot(
  sample: ProfileSample,
  table: FrameInfoTable,
  result: Attribution,
  patterns: boolean,
  pkg: string | undefined,
): void {
  const { stack, weight } = sample;
  let app = stack.length - 1;
  while (app >= 0 && table.info(stack[app] as number).category !== 'app') app -= 1;
  if (app < 0) return;
  const frame = stack[app] as number;
  const callee = stack[app + 1];
  let line = sample.lines?.[app] || undefined;
  let lineSource: RawHotspot['lineSource'] = line ? 'profile' : 'function';
  if (!line && callee !== undefined) {
    line = table.callSiteLine(frame, callee);
    if (line) lineSource = 'call-site';
  }
  const key = `${frame}:${line ?? ''}`;
  let hotspot = result.hotspots.get(key);
  if (!hotspot) {
    hotspot = {
      frame,
      lineSource,
      weight: 0,
      selfWeight: 0,
      via: new Map(),
      patterns: new Map(),
      packages: new Map(),
    };
    if (line) hotspot.line = line;
    result.hotspots.set(key, hotspot);
  }
  hotspot.weight += weight;
  if (pkg) add(hotspot.packages, pkg, weight);
  if (callee === undefined) hotspot.selfWeight += weight;
  else add(hotspot.via, callee, weight);
  for (let i = app + 1; patterns && i < stack.length; i++) {
    const below = table.info(stack[i] as number);
    const pattern = matchFramePattern(below.frame, below, table.runtime);
    if (pattern) {
      add(hotspot.patterns, pattern.id, weight);
      break;
    }
  }
}
