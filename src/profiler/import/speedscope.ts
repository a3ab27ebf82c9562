/** Importer for speedscope's JSON file format (sampled and evented profiles). */
import { createProfileBuilder, kindFromName } from '../model/builder.js';
import type { Profile, ValueUnit } from '../model/profile.js';
import {
  createInvalidProfileError,
  hasSuffix,
  type Importer,
  parseJsonProfile,
  textPrefix,
} from './importer.js';

/** The `$schema` every speedscope file carries. */
export const SPEEDSCOPE_SCHEMA = 'https://www.speedscope.app/file-format-schema.json';

/** A frame of speedscope's shared frame table (1-based line and column). */
export interface SpeedscopeFrame {
  name: string;
  file?: string;
  line?: number;
  col?: number;
}

/** A sampled profile: stacks of frame indices (root first) with weights. */
export interface SpeedscopeSampledProfile {
  type: 'sampled';
  name: string;
  unit: string;
  startValue: number;
  endValue: number;
  samples: number[][];
  weights: number[];
}

/** An evented profile: open/close events at times. */
export interface SpeedscopeEventedProfile {
  type: 'evented';
  name: string;
  unit: string;
  startValue: number;
  endValue: number;
  events: Array<{ type: 'O' | 'C'; at: number; frame: number }>;
}

/** A speedscope file. */
export interface SpeedscopeFile {
  $schema: string;
  shared: { frames: SpeedscopeFrame[] };
  profiles: Array<SpeedscopeSampledProfile | SpeedscopeEventedProfile>;
  name?: string;
  activeProfileIndex?: number;
  exporter?: string;
}

const UNITS: Record<string, ValueUnit> = {
  none: 'samples',
  nanoseconds: 'nanoseconds',
  microseconds: 'microseconds',
  milliseconds: 'milliseconds',
  seconds: 'seconds',
  bytes: 'bytes',
};

/** Converts a speedscope file; every profile with the first profile's unit is merged in. */
export function importFromSpeedscope(file: SpeedscopeFile, fileName = 'profile'): Profile {
  const first = file.profiles?.[0];
  if (!first || !Array.isArray(file.shared?.frames)) {
    throw createInvalidProfileError('speedscope file', fileName, 'it has no profiles or no frames');
  }
  const unit = Object.hasOwn(UNITS, first.unit) ? (UNITS[first.unit] as ValueUnit) : 'samples';
  const builder = createProfileBuilder({
    format: 'speedscope',
    valueKind: unit === 'bytes' ? 'alloc' : 'cpu',
    unit,
  });
  // py-spy writes one frame per executing line: the line is where the time was spent in that
  // function, not where the function starts, so it travels as the sample's line.
  const pySpy = /^py-spy/.test(file.exporter ?? '');
  // Redline writes a file for every JavaScript frame; its file-less frames are native code
  // (V8 builtins, C++), which other speedscope files cannot tell apart from the user's code.
  const fileLessIsNative = file.exporter === 'redline';
  const frames = file.shared.frames.map((frame) =>
    builder.frame({
      name: frame.name,
      file: frame.file,
      ...(pySpy ? {} : { line: frame.line, column: frame.col }),
      kind: kindFromName(frame.name, fileLessIsNative && !frame.file ? 'native' : 'js'),
    }),
  );
  const executing = file.shared.frames.map((frame) => (pySpy ? (frame.line ?? 0) : 0));
  const toStack = (indices: number[]): number[] =>
    indices.map((i) => frames[i] ?? -1).filter((i) => i >= 0);
  const linesOf = (indices: number[]): number[] | undefined =>
    pySpy
      ? indices.filter((i) => frames[i] !== undefined).map((i) => executing[i] ?? 0)
      : undefined;
  let merged = 0;
  let duration = 0;
  for (const profile of file.profiles) {
    if (profile.unit !== first.unit) continue;
    merged += 1;
    duration = Math.max(duration, profile.endValue - profile.startValue);
    if (profile.type === 'sampled') {
      for (const [i, stack] of profile.samples.entries())
        builder.addSample(toStack(stack), profile.weights[i] ?? 1, linesOf(stack));
    } else if (profile.type === 'evented') {
      addEvents(profile, (stack, weight) => builder.addSample(toStack(stack), weight));
    }
  }
  const scale = unit === 'samples' || unit === 'bytes' ? undefined : durationToMs(unit, duration);
  return builder.finish({
    durationMs: scale,
    ...(pySpy ? { runtime: 'python' as const } : {}),
    meta: {
      profiles: merged,
      name: file.name ?? first.name,
      ...(file.exporter ? { exporter: file.exporter } : {}),
    },
  });
}

function durationToMs(unit: ValueUnit, value: number): number {
  const factor = {
    nanoseconds: 1e-6,
    microseconds: 1e-3,
    milliseconds: 1,
    seconds: 1000,
  } as Record<string, number>;
  return value * (factor[unit] ?? 1);
}

/** Replays open/close events and reports each stretch of time spent in a stack. */
function addEvents(
  profile: SpeedscopeEventedProfile,
  add: (stack: number[], weight: number) => void,
): void {
  const open: number[] = [];
  let last = profile.startValue;
  for (const event of profile.events) {
    if (open.length > 0 && event.at > last) add([...open], event.at - last);
    last = event.at;
    if (event.type === 'O') open.push(event.frame);
    else {
      const at = open.lastIndexOf(event.frame);
      if (at >= 0) open.splice(at, 1);
    }
  }
}

/** The speedscope importer. */
export const speedscopeImporter: Importer = {
  format: 'speedscope',
  description: 'speedscope JSON (*.speedscope.json): speedscope exports, redline profile',
  detect(fileName, bytes) {
    if (!textPrefix(bytes, 1024).includes(SPEEDSCOPE_SCHEMA)) return null;
    return hasSuffix(fileName, '.speedscope.json') ? 1 : 0.95;
  },
  import(bytes, fileName) {
    const parsed = parseJsonProfile(bytes, 'speedscope file', fileName) as SpeedscopeFile;
    if (parsed?.$schema !== SPEEDSCOPE_SCHEMA) {
      throw createInvalidProfileError('speedscope file', fileName, 'the $schema is missing');
    }
    return importFromSpeedscope(parsed, fileName);
  },
};
