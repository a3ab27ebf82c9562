/** The one Profile model every importer produces: interned frames, weighted stacks, units. */

/** What a frame is: JavaScript (or any source-level function), native code, or a V8 bucket. */
export type FrameKind = 'js' | 'native' | 'gc' | 'idle' | 'program';

/** One function (or bucket) a sample can be in. Positions are 1-based, as people read them. */
export interface ProfileFrame {
  /** Function name; `(anonymous)` when the producer gave none. */
  name: string;
  /** Script path or URL as the producer wrote it (`file:///...`, `node:fs`, `/src/app.go`). */
  file?: string;
  /** 1-based line where the function starts. */
  line?: number;
  /** 1-based column where the function starts. */
  column?: number;
  kind: FrameKind;
}

/**
 * One stack with its weight. `stack` holds frame indices, root first, leaf last. `lines`, when
 * present, runs parallel to `stack`: the 1-based line executing in each frame (the call site for
 * callers, where the time was spent for the leaf), 0 where unknown. V8 profiles know only the
 * leaf's line (positionTicks); pprof and py-spy know every frame's.
 */
export interface ProfileSample {
  stack: number[];
  weight: number;
  lines?: number[];
  /** Number of objects (heap snapshots) or raw samples behind `weight`, when known. */
  count?: number;
}

/** Units travel with the data (as in speedscope). */
export type ValueUnit =
  | 'nanoseconds'
  | 'microseconds'
  | 'milliseconds'
  | 'seconds'
  | 'bytes'
  | 'samples';

/**
 * What the weights measure: CPU or wall time, sampled allocations, live heap (retained by
 * allocation site), heap objects by constructor (snapshots), growth between two snapshots, time
 * threads waited for a lock or a channel (Go mutex/block profiles, JVM monitor enter and lock
 * parks), or live goroutines by stack (Go goroutine profile).
 */
export type ValueKind =
  | 'cpu'
  | 'wall'
  | 'alloc'
  | 'live-heap'
  | 'heap-objects'
  | 'heap-growth'
  | 'contention'
  | 'goroutines';

/** The runtime that produced a profile: its rules (GC, scheduler, GIL) and fixes differ. */
export type ProfiledRuntime = 'node' | 'go' | 'jvm' | 'python';

/** The formats an importer can read (also the `format` of the Profile it produced). */
export type ProfileFormat =
  | 'cpuprofile'
  | 'pprof'
  | 'folded'
  | 'speedscope'
  | 'heapprofile'
  | 'heapsnapshot'
  | 'heapsnapshot-diff'
  | 'jfr'
  | 'pstats'
  | 'python-sampler';

/** A profile of any origin, after import. */
export interface Profile {
  format: ProfileFormat;
  valueKind: ValueKind;
  unit: ValueUnit;
  /** The runtime, when the importer knows it (else inferred from the frames: see inferRuntime). */
  runtime?: ProfiledRuntime;
  frames: ProfileFrame[];
  samples: ProfileSample[];
  /** Wall-clock length of the recording in milliseconds, when the producer says. */
  durationMs?: number;
  /** Sampling period in `unit` (e.g. 1000 µs), when known. */
  period?: number;
  /** Free-form facts about the source (producer, sample type names, node count...). */
  meta: Record<string, string | number>;
}

const TIME_UNIT_MS: Partial<Record<ValueUnit, number>> = {
  nanoseconds: 1e-6,
  microseconds: 1e-3,
  milliseconds: 1,
  seconds: 1000,
};

/** Factor that turns a weight in `unit` into milliseconds, or undefined for non-time units. */
export function msPerUnit(unit: ValueUnit): number | undefined {
  return TIME_UNIT_MS[unit];
}

/** True when the profile's weights are time (CPU or wall). */
export function isTimeProfile(profile: Profile): boolean {
  return profile.valueKind === 'cpu' || profile.valueKind === 'wall';
}

/** Sum of all sample weights. */
export function totalWeight(profile: Profile): number {
  let sum = 0;
  for (const sample of profile.samples) sum += sample.weight;
  return sum;
}

/** The 1-based executing line of the leaf frame of a sample, when known. */
export function leafLineOf(sample: ProfileSample): number | undefined {
  const line = sample.lines?.[sample.lines.length - 1];
  return line !== undefined && line > 0 ? line : undefined;
}

/** A `lines` array for a stack of `depth` frames where only the leaf's line is known. */
export function leafOnlyLines(depth: number, line: number): number[] {
  const lines = new Array<number>(depth).fill(0);
  if (depth > 0) lines[depth - 1] = line;
  return lines;
}
