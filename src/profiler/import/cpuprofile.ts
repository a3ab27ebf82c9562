/** Importer for V8 CPU profiles (`.cpuprofile`: node --cpu-prof, Chrome DevTools, inspector). */
import { createProfileBuilder, kindFromName } from '../model/builder.js';
import { type FrameKind, leafOnlyLines, type Profile } from '../model/profile.js';
import {
  createInvalidProfileError,
  hasSuffix,
  type Importer,
  parseJsonProfile,
  textPrefix,
} from './importer.js';

/** A V8 `Runtime.CallFrame` (0-based line and column). */
export interface V8CallFrame {
  functionName: string;
  scriptId?: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

/** A node of a V8 CPU profile. */
export interface V8CpuProfileNode {
  id: number;
  callFrame: V8CallFrame;
  hitCount?: number;
  children?: number[];
  positionTicks?: Array<{ line: number; ticks: number }>;
}

/** A V8 CPU profile as the inspector's `Profiler.stop` returns it (times in µs). */
export interface V8CpuProfile {
  nodes: V8CpuProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** Frame kind of a V8 call frame: named buckets, native code (no URL) or JavaScript. */
export function kindOfCallFrame(frame: V8CallFrame): FrameKind {
  const special = kindFromName(frame.functionName, 'js');
  if (special !== 'js') return special;
  return frame.url === '' ? 'native' : 'js';
}

/**
 * A sample stands for at most this many sampling intervals (the median gap between samples).
 * V8 samples the thread on a wall-clock timer; when the machine deschedules the thread the next
 * sample comes late and the gap until it is time the code did not run. Weighting samples by that
 * gap handed one function 100+ ms of "CPU" per missed timeslice at load 20 on 2 cores (the
 * calibration corpus's healthy cases then raised hot-function and JSON findings from a few
 * samples); capped, a share is a share of CPU samples.
 */
const MAX_INTERVALS_PER_SAMPLE = 2;
/** Fewer samples than this: too few to estimate the sampling interval, gaps are kept. */
const MIN_SAMPLES_FOR_CAP = 20;

/** The median positive gap between samples (µs), or undefined with too few samples. */
function medianGapUs(deltas: readonly number[]): number | undefined {
  const positive = deltas.filter((d) => d > 0).sort((a, b) => a - b);
  if (positive.length < MIN_SAMPLES_FOR_CAP) return undefined;
  return positive[Math.floor(positive.length / 2)];
}

/**
 * Self time (µs) of every node id: the time until the next sample, clamped at zero and at
 * {@link MAX_INTERVALS_PER_SAMPLE} sampling intervals (time the thread was descheduled is not its
 * code's time).
 */
function selfTimes(profile: V8CpuProfile): Map<number, number> {
  const self = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  if (samples.length === 0) {
    // Old profiles without samples: spread the duration over hit counts.
    const hits = profile.nodes.reduce((sum, node) => sum + (node.hitCount ?? 0), 0);
    const perHit = hits > 0 ? (profile.endTime - profile.startTime) / hits : 0;
    for (const node of profile.nodes) self.set(node.id, (node.hitCount ?? 0) * perHit);
    return self;
  }
  let time = profile.startTime;
  const stamps = samples.map((_, i) => {
    time += Math.max(0, deltas[i] ?? 0);
    return time;
  });
  const gap = medianGapUs(deltas);
  const cap = gap === undefined ? Number.POSITIVE_INFINITY : gap * MAX_INTERVALS_PER_SAMPLE;
  for (let i = 0; i < samples.length; i++) {
    const next = i + 1 < stamps.length ? (stamps[i + 1] as number) : profile.endTime;
    const weight = Math.min(cap, Math.max(0, next - (stamps[i] as number)));
    const id = samples[i] as number;
    self.set(id, (self.get(id) ?? 0) + weight);
  }
  return self;
}

/** Converts a parsed V8 CPU profile into the Profile model. */
export function importFromV8CpuProfile(profile: V8CpuProfile, fileName = 'profile'): Profile {
  if (!Array.isArray(profile.nodes) || profile.nodes.length === 0) {
    throw createInvalidProfileError('V8 CPU profile', fileName, 'it has no `nodes`');
  }
  const builder = createProfileBuilder({
    format: 'cpuprofile',
    valueKind: 'cpu',
    unit: 'microseconds',
  });
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  const stackOf = new Map<number, number[]>();
  const stackFor = (id: number): number[] => {
    const cached = stackOf.get(id);
    if (cached) return cached;
    const node = byId.get(id);
    if (!node) return [];
    const parentId = parent.get(id);
    const base = parentId === undefined ? [] : stackFor(parentId);
    const stack = node.callFrame.functionName === '(root)' ? base : [...base, frameIndexOf(node)];
    stackOf.set(id, stack);
    return stack;
  };
  const frameIndexOf = (node: V8CpuProfileNode): number => {
    const cf = node.callFrame;
    const kind = kindOfCallFrame(cf);
    return builder.frame({
      name: cf.functionName || '(anonymous)',
      file: cf.url,
      line: kind === 'js' && cf.lineNumber >= 0 ? cf.lineNumber + 1 : undefined,
      column: kind === 'js' && cf.columnNumber >= 0 ? cf.columnNumber + 1 : undefined,
      kind,
    });
  };
  const hits = profile.samples?.length ?? 0;
  for (const [id, weight] of selfTimes(profile)) {
    const node = byId.get(id);
    if (!node || weight <= 0) continue;
    addNodeWeight(builder, stackFor(id), node, weight);
  }
  const durationUs = profile.endTime - profile.startTime;
  return builder.finish({
    durationMs: durationUs / 1000,
    period: hits > 0 ? durationUs / hits : undefined,
    meta: { nodes: profile.nodes.length, samples: hits },
  });
}

/** Adds a node's self time, split over its source lines when V8 recorded positionTicks. */
function addNodeWeight(
  builder: ReturnType<typeof createProfileBuilder>,
  stack: number[],
  node: V8CpuProfileNode,
  weight: number,
): void {
  const ticks = node.positionTicks ?? [];
  const sum = ticks.reduce((total, tick) => total + tick.ticks, 0);
  if (sum === 0) {
    builder.addSample(stack, weight);
    return;
  }
  for (const tick of ticks) {
    builder.addSample(stack, (weight * tick.ticks) / sum, leafOnlyLines(stack.length, tick.line));
  }
}

/** True when the text looks like the start of a V8 CPU profile. */
function looksLikeCpuProfile(prefix: string): boolean {
  return (
    /^\s*\{/.test(prefix) &&
    /"nodes"\s*:\s*\[/.test(prefix) &&
    prefix.includes('"callFrame"') &&
    !prefix.includes('"selfSize"')
  );
}

/** The `.cpuprofile` importer. */
export const cpuProfileImporter: Importer = {
  format: 'cpuprofile',
  description: 'V8 CPU profile (.cpuprofile): node --cpu-prof, Chrome DevTools, redline profile',
  detect(fileName, bytes) {
    const content = looksLikeCpuProfile(textPrefix(bytes));
    if (!content) return null;
    return hasSuffix(fileName, '.cpuprofile') ? 1 : 0.9;
  },
  import(bytes, fileName) {
    const parsed = parseJsonProfile(bytes, 'V8 CPU profile', fileName) as V8CpuProfile;
    if (typeof parsed !== 'object' || parsed === null || !Array.isArray(parsed.nodes)) {
      throw createInvalidProfileError('V8 CPU profile', fileName, 'it has no `nodes` array');
    }
    return importFromV8CpuProfile(parsed, fileName);
  },
};
